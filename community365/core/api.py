"""Shared pieces of the JSON API: authentication (bearer token or session), the error format,
and pagination. Every error is JSON: ``{"code": ..., "message": ..., "errors": [...]}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from .errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from community365.people.services import token_user

        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """Session cookie auth (with CSRF on writes), for the pages' own htmx/JSON calls.

    The CSRF check guards a signed-in session only: a request without one (no cookie, or a
    bogus, expired or revoked bearer token) is simply not authenticated, which answers 401
    ``unauthenticated`` rather than ninja's unlocalised 403 "CSRF check Failed"."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


API_AUTH = [TokenAuth(), ActiveSessionAuth()]


class ErrorItem(Schema):
    field: str | None = None
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[ErrorItem] = []


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=200, description="items per page (1–200)")
    offset: int = Field(0, ge=0, le=10_000_000, description="items to skip")


def paginate(qs: Any, page: PageParams) -> tuple[list[Any], int]:
    count = qs.count()
    return list(qs[page.offset : page.offset + page.limit]), count


def error_response(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, errors=None):
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or []}, status=status
    )


def _field_of(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if p not in ("body", "query", "path", "payload", "params", "page")]
    return ".".join(parts) if parts else ""


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return error_response(api, request, exc.status, exc.code, exc.message, errors)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"field": _field_of(e.get("loc")), "message": str(e.get("msg", ""))} for e in exc.errors]
        fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
        message = _("输入有误：%(fields)s。") % {"fields": fields} if fields else _("输入有误。")
        return error_response(api, request, 422, "invalid_input", message, errors)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, "unauthenticated", _("未登录或令牌无效、已过期。"))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 413, "too_large", _("请求内容过大。"))

    @api.exception_handler(TooManyFieldsSent)
    def too_many(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 413, "too_large", _("请求字段过多。"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("没有找到。"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # django-ninja raises this when the body is not valid JSON.
            return error_response(api, request, 400, "malformed", _("请求内容无法解析（须为 JSON）。"))
        return error_response(api, request, exc.status_code, "error", str(exc))
