from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community365.core import nav, permissions, todos
from community365.core.context import signed_in_user
from community365.core.roles import CITIZEN_ROLES
from community365.people.selectors import roles_of
from community365.regions.selectors import user_places_summary


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What waits for the user (the to-do block), their first steps, their pages and places."""
    user = signed_in_user(request)
    roles = list(roles_of(user))
    official = permissions.is_global(user) or any(a.role not in CITIZEN_ROLES for a in roles)
    menu = nav.menu_for(request)
    return render(
        request,
        "core/home.html",
        {
            "roles": roles,
            # Residents get no place tree with household figures: that is officials' material.
            "places": user_places_summary(user) if official else [],
            "todo": todos.todos_for(user),
            "shortcuts": [link for link in menu.links if not link.pinned],
            "pinned": menu.pinned,
        },
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "没有找到。", "errors": []}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "message": "服务器出错，请稍后再试。", "errors": []}, status=500
        )
    return render(request, "500.html", status=500)
