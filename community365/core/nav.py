"""The site navigation: a registry that each app fills with its own entries.

Core knows the groups (the method's parts: 三联 · 六服务 · 五机制 · 对标, plus 我的) and how to
render them; it knows no app. Each app declares its entries in ``<app>/nav.py``::

    from community365.core import nav
    from django.utils.translation import gettext_lazy as _

    nav.register(
        nav.Entry("wish_board", _("微心愿"), group=nav.SERVICES, order=10),
        nav.Entry("wish_review", _("审核心愿"), group=nav.SERVICES, order=11, visible=may_review),
    )

``visible(user) -> bool`` must be cheap: use ``core.permissions`` (the user's grants are loaded
once per request and cached on the user). ``badge(user) -> int`` (one cheap query) puts a count
beside the entry and its group; ``pinned=True`` also shows the entry in the header bar.
``CoreConfig.ready()`` imports every installed app's ``nav`` module (as the admin discovers
``admin`` modules), so a new app adds entries without touching core.

A group with no visible entry is not shown. The menu of a request is computed once and kept on
the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

LINKAGES = "linkages"
SERVICES = "services"
MECHANISMS = "mechanisms"
BENCHMARKING = "benchmarking"
ME = "me"

# The method's order; the phone's tab bar holds at most these five.
GROUPS: dict[str, Any] = {
    LINKAGES: _("三联"),
    SERVICES: _("六服务"),
    MECHANISMS: _("五机制"),
    BENCHMARKING: _("对标"),
    ME: _("我的"),
}


def always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Any
    group: str
    order: int = 100
    visible: Callable[[Any], bool] = always
    badge: Callable[[Any], int] | None = None
    pinned: bool = False
    url_args: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"unknown navigation group {self.group!r}; use one of {list(GROUPS)}")


REGISTRY: dict[str, Entry] = {}


def register(*entries: Entry) -> None:
    for entry in entries:
        if entry.url_name in REGISTRY:
            raise ValueError(f"navigation entry {entry.url_name!r} registered twice")
        REGISTRY[entry.url_name] = entry


def unregister(url_name: str) -> None:
    REGISTRY.pop(url_name, None)


@dataclass
class Link:
    url: str
    label: Any
    key: str
    badge: int = 0
    active: bool = False
    pinned: bool = False


@dataclass
class Group:
    key: str
    label: Any
    links: list[Link] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)

    @property
    def badge(self) -> int:
        return sum(link.badge for link in self.links)


@dataclass
class Menu:
    groups: list[Group]

    @property
    def links(self) -> list[Link]:
        return [link for group in self.groups for link in group.links]

    @property
    def pinned(self) -> list[Link]:
        return [link for link in self.links if link.pinned]


def build_menu(user: Any, path: str) -> Menu:
    groups = {key: Group(key, label) for key, label in GROUPS.items()}
    if user is not None and getattr(user, "is_authenticated", False):
        for entry in sorted(REGISTRY.values(), key=lambda e: (e.order, e.url_name)):
            if not entry.visible(user):
                continue
            try:
                url = reverse(entry.url_name, args=entry.url_args)
            except NoReverseMatch:
                continue
            badge = entry.badge(user) if entry.badge else 0
            groups[entry.group].links.append(
                Link(url=url, label=entry.label, key=entry.url_name, badge=badge, pinned=entry.pinned)
            )
    links = [link for group in groups.values() for link in group.links]
    # The longest matching link is the current one (/teams/rota/ is not also /teams/).
    matching = [link for link in links if link.url == path or (link.url != "/" and path.startswith(link.url))]
    if matching:
        max(matching, key=lambda link: len(link.url)).active = True
    return Menu([group for group in groups.values() if group.links])


def menu_for(request: Any) -> Menu:
    """The request's menu, computed once per request."""
    menu = getattr(request, "_c365_menu", None)
    if menu is None:
        menu = build_menu(getattr(request, "user", None), request.path)
        request._c365_menu = menu
    return menu


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False))


# Django's admin belongs to no app of ours; core declares it.
register(Entry("admin:index", _("后台"), group=ME, order=80, visible=_is_staff))
