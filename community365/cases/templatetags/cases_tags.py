from typing import Any

from django import template

register = template.Library()


@register.filter
def get(row: dict[str, Any], key: str) -> Any:
    """A value of a figures row by its key (group keys differ per table)."""
    return row.get(key)


@register.inclusion_tag("cases/_nav.html", takes_context=True)
def cases_nav(context: Any) -> dict[str, Any]:
    """The app's sub-navigation: the mediation entry only for those who may open it."""
    from community365.cases import policies

    user = context["request"].user
    return {"show_mediation": policies.may_open_mediations(user) or policies.may_read_figures(user)}
