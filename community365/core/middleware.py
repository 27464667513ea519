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


class LanguageMiddleware:
    """zh-Hans unless the user chose otherwise (the language cookie set by the switch).

    Pages do not follow the browser's Accept-Language: an official's browser in English must
    not turn the platform English by surprise. API clients may ask with Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and translation.check_for_language(chosen):
            language = chosen
        elif request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response


class SecurityHeadersMiddleware:
    """The Content-Security-Policy (and a Permissions-Policy) on every response.

    The pages load only the site's own scripts and styles: no inline ``<script>``, no ``style=``
    attributes, no CDN. ``CSP_PATH_POLICIES`` gives a path prefix its own policy (none needed
    today: the API docs page of django-ninja loads its init script as a file). With
    ``CSP_REPORT_ONLY`` the browser reports violations without blocking."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy: str = getattr(settings, "CSP_POLICY", "")
        self.by_path: dict[str, str] = dict(getattr(settings, "CSP_PATH_POLICIES", {}))
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        self.permissions_policy: str = getattr(settings, "PERMISSIONS_POLICY", "")

    def policy_for(self, path: str) -> str:
        for prefix, policy in self.by_path.items():
            if path.startswith(prefix):
                return policy
        return self.policy

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = self.policy_for(request.path)
        if policy:
            response.headers.setdefault(self.header, policy)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response


class SessionRefreshMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once every
    ``SESSION_REFRESH_SECONDS`` (instead of ``SESSION_SAVE_EVERY_REQUEST``, which wrote the
    session — and took SQLite's writer lock — on every page view). Saving renews the session's
    expiry, so the idle timeout stays ``SESSION_COOKIE_AGE`` less at most that interval."""

    KEY = "_c365_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings

        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)

    @classmethod
    def stamp_at_login(cls, sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
        """Signing in saves the session anyway: stamp it then, so the first page after signing in
        does not write it a second time (connected to ``user_logged_in`` in ``CoreConfig``)."""
        import time

        session = getattr(request, "session", None)
        if session is not None:
            session[cls.KEY] = int(time.time())
