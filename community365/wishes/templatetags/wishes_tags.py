"""The wishes pages' tabs: only those the user may open, decided once per request."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from community365.wishes import policies

register = template.Library()


def wish_tabs(request: Any) -> list[tuple[str, str, str]]:
    """(url name, url, label) of each tab this user can open; cached on the request."""
    cached = getattr(request, "_wishes_tabs", None)
    if cached is not None:
        return cached
    user = request.user
    has_person = getattr(user, "person", None) is not None
    reviewer = policies.may_see_review_queue(user)
    tabs = [("wish_board", _("心愿墙"))]
    if policies.may_claim_somewhere(user):
        tabs.append(("my_claims", _("我的认领")))
    if has_person or reviewer:
        tabs.append(("my_wishes", _("我的心愿")))
    if policies.may_open_wish_form(user):
        tabs.append(("wish_new", _("许个心愿")))
    if reviewer:
        tabs.append(("wish_review", _("审核")))
    if policies.may_read_figures(user):
        tabs.append(("wish_figures", _("数据")))
    tabs.append(("market_list", _("公益集市")))
    result = [(name, reverse(name), str(label)) for name, label in tabs]
    request._wishes_tabs = result
    return result


@register.inclusion_tag("wishes/_nav.html", takes_context=True)
def wishes_nav(context: Any) -> dict[str, Any]:
    request = context["request"]
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    return {"tabs": wish_tabs(request), "current": current}
