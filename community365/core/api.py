"""Shared pieces of the JSON API: authentication (bearer token or session), the error format,
ids, pagination, and the OpenAPI document's error answers. Every error is JSON:
``{"code": ..., "message": ..., "errors": [...]}``."""

from __future__ import annotations

import copy
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from .errors import DomainError
from .ids import MAX_ID


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from community365.people.services import token_user
        from community365.people.token_cache import SAFE_METHODS

        user = token_user(token, read_only=request.method in SAFE_METHODS)
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


# Every id a request carries — in the path, the query or the body — is checked at the edge
# against the largest id a column holds (bigint, ``core.ids``): a 20-digit id is a 404/422,
# never an overflow in the database driver (a 500).
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id (1 … 2⁶³−1)")]


# The period filters of the figures (``core.charts.period_from``), stated in the document so a
# schema-valid filter is never refused: a year 2000–2100, a month YYYY-MM (or YYYY-M) in it.
YEAR_PATTERN = r"^(20[0-9]{2}|2100)?$"
MONTH_PATTERN = r"^((20[0-9]{2})-(0?[1-9]|1[0-2])|2100-(0?[1-9]|1[0-2]))?$"


def words(at_least: int = 1) -> str:
    """A pattern (JSON Schema's, so unanchored: "contains"): at least ``at_least`` characters
    other than whitespace. The services strip or collapse whitespace before they count, so a
    field of only spaces is empty to them; with this pattern the document says so."""
    return r"\S" if at_least <= 1 else r"\S(\s*\S){" + str(at_least - 1) + "}"


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


def paginate_capped(qs: Any, page: PageParams, cap: int) -> tuple[list[Any], int, bool]:
    """A page, and the total counted only up to ``cap`` (``COUNT`` over ``LIMIT cap + 1``): for
    lists that grow with history, where an exact total costs a scan of every match on each
    request. Returns (items, min(total, cap), whether the total is over the cap)."""
    from .pagination import CappedPaginator

    counted = CappedPaginator(qs, page.limit, cap=cap)
    items = list(qs[page.offset : page.offset + page.limit])
    return items, min(counted.count, cap), counted.capped


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


# --- the OpenAPI document: every answer a route can give -------------------------------------

ERROR_ANSWERS = {
    400: "malformed: the body is not JSON",
    401: "unauthenticated: no, malformed, revoked or expired token",
    404: "not_found: unknown, or not visible to this user",
    409: "conflict: the thing exists already or was taken",
    413: "too_large: the body is over the size limit",
    422: "invalid_input, not_allowed or invalid_transition: the message says why",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error answers the shared machinery can give to this operation (besides what the route
    declares itself): ninja's body and parameter validation, the auth classes, the services'
    DomainErrors (a write may meet any of them) and the not-visible ⇒ 404 rule."""
    params = operation.get("parameters", [])
    statuses = []
    if operation.get("requestBody"):
        statuses += [400, 413, 422]
    if operation.get("security"):
        statuses.append(401)
    if params or operation.get("requestBody"):
        statuses += [404, 422]  # any id in the path, query or body may name nothing visible
    if method in WRITE_METHODS:
        statuses += [404, 409, 422]
    return sorted(set(statuses))


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds the error answers of ``error_statuses`` to every operation of an OpenAPI document,
    each with the project's error schema, unless the route declares that status itself."""
    schema = copy.deepcopy(dict(schema))  # a plain dict: ninja's OpenAPISchema holds the API itself
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in components:
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation):
                if str(status) not in responses and status not in responses:
                    responses[str(status)] = {"description": ERROR_ANSWERS[status], "content": ref}
    return schema


class DocumentedAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document declares every error answer (``document_errors``),
    so no route repeats them; the document is built once per process, not on every request."""

    _openapi_cache: dict[Any, Any]

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cache = self.__dict__.setdefault("_openapi_cache", {})
        if key not in cache:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            cache[key] = document_errors(schema)
        return copy.deepcopy(cache[key])
