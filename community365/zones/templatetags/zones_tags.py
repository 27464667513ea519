"""Template tags of 整片建强: the section links, an indicator's name, and the brand block that
benchmarking's community page includes (``{% load zones_tags %}{% zone_brand community %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from community365.regions.models import Region

from .. import policies, selectors

register = template.Library()


@register.inclusion_tag("zones/_subnav.html", takes_context=True)
def zones_subnav(context: Any) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    return {"show_targets": policies.may_view_progress(user)}


@register.filter
def zones_indicator(code: str) -> str:
    return selectors.indicator_label(code)


@register.filter
def zones_num(value: Any) -> str:
    """A figure without trailing zeros (37.5, 16, 4.25), "—" for none."""
    return selectors.fmt(value)


@register.inclusion_tag("zones/_brand_block.html", takes_context=True)
def zone_brand(context: Any, community: Region) -> dict[str, Any]:
    """The community's brand and the zones it belongs to that the reader may open: two queries."""
    user = getattr(context.get("request"), "user", None)
    zones = list(
        policies.zones_visible_to(user)
        .filter(district_id=community.district_id, members__community=community)
        .order_by("order", "id")
    )
    return {
        "community": community,
        "brand": selectors.brand_of(community),
        "zones": zones,
        "may_edit": policies.may_edit_brand(user, community),
    }
