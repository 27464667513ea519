from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    if user is not None and user.is_authenticated:
        items.append({"url": reverse("home"), "label": _("首页")})
        items.append({"url": reverse("region_browser"), "label": _("区域")})
        items.append({"url": reverse("talk_board"), "label": _("双向约谈")})
        if permissions.is_global(user) or permissions.scope_grants(user, "people.person:view"):
            items.append({"url": reverse("resident_search"), "label": _("居民查询")})
        if permissions.is_global(user) or permissions.scope_grants(user, "audit.event:view"):
            items.append({"url": reverse("audit_log"), "label": _("审计日志")})
        items.append({"url": reverse("inbox"), "label": _("消息")})
        if user.is_staff:
            items.append({"url": reverse("admin:index"), "label": _("后台")})
        for item in items:
            item["active"] = request.path == item["url"] or (
                item["url"] != "/" and request.path.startswith(item["url"])
            )
    return {"platform_name": _("社区365"), "nav_items": items}
