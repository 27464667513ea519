"""Template tags shared by every app."""

from __future__ import annotations

from typing import Any

from django import template

from community365.core.phrases import render

register = template.Library()


@register.simple_tag
def phrase(code: str, params: Any = None) -> str:
    """``{% phrase event.code event.params %}``: a stored code rendered in the reader's language."""
    return render(code, params or {})
