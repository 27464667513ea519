"""The home page's to-do block: a registry of providers, one or more per app.

An app declares in ``<app>/todos.py``::

    from community365.core import todos

    @todos.provider(order=10)
    def wishes_todos(user):
        if may_review_somewhere(user):
            yield todos.Count("wishes.review", _("待审核的心愿"),
                              review_queue(user).count(), reverse("wish_review"))
        if is_resident(user):
            yield todos.Action("wishes.new", _("许个心愿"), reverse("wish_new"))

``Count`` is a number of records waiting for this user (counted in the database, one query per
item) and the URL of a list that shows exactly those records: the list marks each record with
a ``data-row`` attribute, and when the URL has a fragment (``…#to-claim``) only the rows inside
the element with that id count. ``tests/browser/test_mobile.py`` opens every count's URL and
compares. ``Action`` is a first step offered as a big button (a resident's "许个心愿").

``CoreConfig.ready()`` imports every installed app's ``todos`` module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Count:
    key: str
    label: Any
    count: int
    url: str
    hint: Any = ""


@dataclass(frozen=True)
class Action:
    key: str
    label: Any
    url: str
    hint: Any = ""


Item = Count | Action
Provider = Callable[[Any], Iterable[Item]]

PROVIDERS: list[tuple[int, str, Provider]] = []


def register(fn: Provider, *, order: int = 100) -> Provider:
    name = f"{fn.__module__}.{fn.__qualname__}"
    if any(existing == name for _order, existing, _fn in PROVIDERS):
        raise ValueError(f"to-do provider {name!r} registered twice")
    PROVIDERS.append((order, name, fn))
    PROVIDERS.sort(key=lambda p: (p[0], p[1]))
    return fn


def provider(*, order: int = 100) -> Callable[[Provider], Provider]:
    def wrap(fn: Provider) -> Provider:
        return register(fn, order=order)

    return wrap


@dataclass
class Block:
    actions: list[Action]
    counts: list[Count]


def todos_for(user: Any) -> Block:
    actions: list[Action] = []
    counts: list[Count] = []
    if user is None or not getattr(user, "is_authenticated", False):
        return Block(actions, counts)
    for _order, _name, fn in PROVIDERS:
        for item in fn(user):
            (actions if isinstance(item, Action) else counts).append(item)  # type: ignore[arg-type]
    return Block(actions, counts)
