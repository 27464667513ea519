"""Pages whose total is counted only up to a cap: an exact COUNT of every match costs a scan of
all of them on each page view, while a person reading a list needs to know "25 of 137" or
"more than 1,000 — narrow the search", not the exact size of a district."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator whose ``count`` stops at ``cap + 1`` (``SELECT COUNT(*) FROM (… LIMIT cap+1)``):
    exact below the cap, ``capped`` above it. Pages past the cap are not offered."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int = DEFAULT_CAP, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        head: Any = self.object_list[: self.cap + 1]  # a QuerySet: COUNT over a LIMIT subquery
        return int(head.count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap
