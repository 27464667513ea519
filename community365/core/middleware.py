from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import RequestMeta, request_meta


def client_ip(request: HttpRequest) -> str | None:
    # Behind the intranet reverse proxy REMOTE_ADDR is the proxy; trusting X-Forwarded-For is a
    # deployment decision, so it is read only when the proxy is declared.
    return request.META.get("REMOTE_ADDR")


def channel_of(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "page"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = RequestMeta(ip=client_ip(request), channel=channel_of(request.path))
        with request_meta(meta):
            response = self.get_response(request)
        response["X-Request-ID"] = meta.request_id
        return response
