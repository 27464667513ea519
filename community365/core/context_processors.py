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
        items.append({"url": reverse("wish_board"), "label": _("微心愿")})
        items.append({"url": reverse("talk_board"), "label": _("双向约谈")})
        if permissions.is_global(user) or permissions.scope_grants(user, "people.person:view"):
            items.append({"url": reverse("resident_search"), "label": _("居民查询")})
        if permissions.is_global(user) or permissions.scope_grants(user, "people.role:grant"):
            items.append({"url": reverse("accounts"), "label": _("账号与角色")})
        if permissions.is_global(user) or permissions.scope_grants(user, "audit.event:view"):
            items.append({"url": reverse("audit_log"), "label": _("审计日志")})
        items.append({"url": reverse("teams_home"), "label": _("志愿服务")})
        if permissions.scope_grants(user, "teams.rota:work"):
            items.append({"url": reverse("my_shifts"), "label": _("我的排班")})
        elif permissions.is_global(user) or permissions.scope_grants(user, "teams.rota:view"):
            items.append({"url": reverse("rota_home"), "label": _("值班表")})
        if (
            permissions.is_global(user)
            or permissions.scope_grants(user, "teams.party:view")
            or any(g.role == "party_member" for g in permissions.grants_of(user))
        ):
            items.append({"url": reverse("party"), "label": _("党员报到")})
        if permissions.is_global(user) or permissions.scope_grants(user, "teams.figures:view"):
            items.append({"url": reverse("teams_figures"), "label": _("三联统计")})
        items.append({"url": reverse("inbox"), "label": _("消息")})
        if user.is_staff:
            items.append({"url": reverse("admin:index"), "label": _("后台")})
        # The longest matching link is the current one (/teams/rota/ is not also /teams/).
        matching = [
            i["url"]
            for i in items
            if i["url"] == request.path or (i["url"] != "/" and request.path.startswith(i["url"]))
        ]
        current = max(matching, key=len, default=None)
        for item in items:
            item["active"] = item["url"] == current
    return {"platform_name": _("社区365"), "nav_items": items}
