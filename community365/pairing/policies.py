"""Who may pair, see, visit and turn needs.

- The community's social worker and secretary manage the pairings of their community (pair,
  end, log a visit on a cadre's behalf, turn a need into a request, a wish or a topic).
- A cadre sees and logs their own pairings ("我的结对").
- Subdistrict and district staff and the district leader see the lists and figures of their
  places. Residents see nothing of this. Not visible ⇒ 404 (``NotFound``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotFound
from community365.core.roles import Role

from .models import Pairing, PairingVisit, VisitNeed

MANAGE = permissions.register(
    "pairing.pairing:manage",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Pair cadres with households of the community, end pairings, log visits for cadres, turn needs",
)
VIEW = permissions.register(
    "pairing.pairing:view",
    {
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
        Role.DISTRICT_LEADER,
    },
    "See the pairings, visits and figures of the place",
)
# Roles in which a user may be paired with a household as its cadre (held at a place covering
# the household's community): party members, first secretaries, unit secretaries, department
# liaisons, the district's leaders, subdistrict staff, and the community's own secretary and
# workers. The organisation department's administrators run the programme and are not paired.
CADRE = permissions.register(
    "pairing.cadre:be_paired",
    {
        Role.PARTY_MEMBER,
        Role.FIRST_SECRETARY,
        Role.UNIT_SECRETARY,
        Role.DEPARTMENT_LIAISON,
        Role.DISTRICT_LEADER,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
    },
    "Be paired with households under the place as their cadre",
)


def _uid(user: Any) -> int | None:
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def view_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, VIEW.name)


def manage_paths(user: Any) -> list[str] | None:
    return permissions.scope_paths(user, MANAGE.name)


def sees_lists(user: Any) -> bool:
    """Staff or a leader of some place (the community lists and the figures)."""
    return permissions.is_global(user) or bool(permissions.scope_grants(user, VIEW.name))


def may_manage_somewhere(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, MANAGE.name))


def cadre_counts(user: Any) -> dict[str, int]:
    """The user's live pairings and those due a visit: one query, kept on the user object (the
    nav, the to-dos and the page share it), and none for a user holding no cadre role."""
    cached = getattr(user, "_c365_pairing_counts", None)
    if cached is not None:
        return cached
    uid = _uid(user)
    if uid is None or not permissions.scope_grants(user, CADRE.name):
        counts = {"live": 0, "due": 0}
    else:
        from django.db.models import Count

        from .selectors import due_q

        counts = Pairing.objects.filter(cadre_id=uid, ended_on__isnull=True).aggregate(
            live=Count("id"), due=Count("id", filter=due_q())
        )
    if uid is not None:
        user._c365_pairing_counts = counts
    return counts


def is_cadre(user: Any) -> bool:
    """Holds a live pairing."""
    return cadre_counts(user)["live"] > 0


def may_be_cadre(user: Any) -> bool:
    """Holds a role in which one can be paired (residents, volunteers and the like do not)."""
    return permissions.is_global(user) or bool(permissions.scope_grants(user, CADRE.name))


def may_manage_at(user: Any, path: str) -> bool:
    return permissions.has_perm_at(user, MANAGE.name, path)


def pairings_visible_to(user: Any) -> QuerySet[Pairing]:
    if permissions.is_global(user):
        return Pairing.objects.all()
    uid = _uid(user)
    if uid is None:
        return Pairing.objects.none()
    paths = view_paths(user)
    return Pairing.objects.filter(permissions.path_q(paths) | Q(cadre_id=uid))


def visits_visible_to(user: Any) -> QuerySet[PairingVisit]:
    if permissions.is_global(user):
        return PairingVisit.objects.all()
    uid = _uid(user)
    if uid is None:
        return PairingVisit.objects.none()
    return PairingVisit.objects.filter(permissions.path_q(view_paths(user)) | Q(pairing__cadre_id=uid))


def needs_visible_to(user: Any) -> QuerySet[VisitNeed]:
    if permissions.is_global(user):
        return VisitNeed.objects.all()
    uid = _uid(user)
    if uid is None:
        return VisitNeed.objects.none()
    return VisitNeed.objects.filter(permissions.path_q(view_paths(user)) | Q(visit__pairing__cadre_id=uid))


def get_visible_pairing(user: Any, pairing_id: int) -> Pairing:
    pairing = (
        pairings_visible_to(user)
        .select_related("region", "household", "household__region", "cadre")
        .filter(pk=pairing_id)
        .first()
    )
    if pairing is None:
        raise NotFound(_("没有找到这个结对。"))
    return pairing


def get_visible_visit(user: Any, visit_id: int) -> PairingVisit:
    visit = visits_visible_to(user).select_related("pairing", "region").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(_("没有找到这条走访记录。"))
    return visit


def get_visible_need(user: Any, need_id: int) -> VisitNeed:
    need = (
        needs_visible_to(user)
        .select_related("region", "visit", "visit__pairing", "visit__household", "visit__household__region")
        .filter(pk=need_id)
        .first()
    )
    if need is None:
        raise NotFound(_("没有找到这项需求。"))
    return need


def may_log_visit(user: Any, pairing: Pairing) -> bool:
    """The paired cadre, or the community's social worker or secretary on the cadre's behalf."""
    if not pairing.is_live:
        return False
    return pairing.cadre_id == _uid(user) or may_manage_at(user, pairing.region.path)


def may_turn(user: Any, need: VisitNeed) -> bool:
    return not need.turned_to and may_manage_at(user, need.region.path)
