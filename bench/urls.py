"""The project's URLs and the benchmark's baseline: a view through the whole middleware stack
that reads and writes no database (no session, no user)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urls


def nodb(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/nodb", nodb, name="bench_nodb"), *project_urls]
