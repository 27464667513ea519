from typing import Any

from django import template

register = template.Library()


@register.filter
def get(row: dict[str, Any], key: str) -> Any:
    """A value of a figures row by its key (group keys differ per table)."""
    return row.get(key)
