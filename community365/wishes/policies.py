"""Who may do what with wishes, and which wishes a user may see.

Not visible ⇒ 404 (``get_visible_wish``); visible but not allowed ⇒ ``NotAllowed`` (422)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotAllowed, NotFound
from community365.core.roles import Role
from community365.people.models import Person

from .models import CharityMarket, Claim, Wish, WishStatus
from .states import PUBLIC_STATES, allowed_actions

REVIEW = permissions.register(
    "wishes.wish:review",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Review, publish and enter wishes for residents of the community",
)
VIEW_ALL = permissions.register(
    "wishes.wish:view",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "See every wish of a place, in every state, and its figures",
)
# Verified claimants: a role on the tree is the verification (granted by the community or
# the organisation department); organisations claim through an account holding one of these.
CLAIM = permissions.register(
    "wishes.wish:claim",
    {
        Role.PARTY_MEMBER,
        Role.VOLUNTEER,
        Role.DISTRICT_LEADER,
        Role.DEPARTMENT_LIAISON,
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
    },
    "Claim published wishes anywhere in the district",
)
# Read-only oversight: the figures and the wishes behind them (every state, names masked).
# District leaders read them; they review and publish nothing.
FIGURES = permissions.register(
    "wishes.figures:view",
    {
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
        Role.DISTRICT_LEADER,
    },
    "Read the wish figures of a place and the list of wishes behind them (read-only)",
)
RUN_MARKET = permissions.register(
    "wishes.market:run",
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF},
    "Organise a charity market",
)


def wishes_visible_to(user: Any) -> QuerySet[Wish]:
    """Public states within the user's districts; everything under the places the user
    oversees; and the user's own wishes and claims in any state."""
    if permissions.is_global(user):
        return Wish.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Wish.objects.none()
    districts = permissions.district_ids(user) or set()
    scope = Q(status__in=PUBLIC_STATES, district_id__in=districts)
    scope |= permissions.path_q(permissions.scope_paths(user, VIEW_ALL.name))
    scope |= permissions.path_q(permissions.scope_paths(user, FIGURES.name))
    # The user's own wishes through a subquery on their resident record, not a join from every
    # wish to its wisher: a count of the district's board joined every wish (300 ms at 11,000).
    own = Person.objects.filter(user_id=user.pk).values("pk")
    scope |= Q(wisher_id__in=own) | Q(entered_by_id=user.pk) | Q(claimed_by_id=user.pk)
    scope |= Q(pk__in=Claim.objects.filter(claimant_id=user.pk).values("wish_id"))
    return Wish.objects.filter(scope)


def get_visible_wish(user: Any, wish_id: int) -> Wish:
    wish = (
        wishes_visible_to(user)
        .select_related("region", "wisher", "district", "market")
        .filter(pk=wish_id)
        .first()
    )
    if wish is None:
        raise NotFound(_("没有找到该心愿。"))
    return wish


def markets_visible_to(user: Any) -> QuerySet[CharityMarket]:
    ids = permissions.district_ids(user)
    qs = CharityMarket.objects.all()
    return qs if ids is None else qs.filter(district_id__in=ids)


def get_visible_market(user: Any, market_id: int) -> CharityMarket:
    market = markets_visible_to(user).select_related("region").filter(pk=market_id).first()
    if market is None:
        raise NotFound(_("没有找到该公益集市。"))
    return market


def claims_visible_to(user: Any) -> QuerySet[Claim]:
    return Claim.objects.filter(wish__in=wishes_visible_to(user))


# --- decisions on one wish ----------------------------------------------------------------------


def is_wisher(user: Any, wish: Wish) -> bool:
    return getattr(user, "pk", None) is not None and wish.wisher.user_id == user.pk


def may_review(user: Any, wish: Wish) -> bool:
    return permissions.has_perm_at(user, REVIEW.name, wish.region.path)


def require_review(user: Any, wish: Wish) -> str:
    return permissions.require_at(
        user, REVIEW.name, wish.region.path, _("只有本社区的社工或书记可以审核、发布心愿。")
    )


def claimant_role(user: Any, wish: Wish) -> str:
    """The role in which the user may claim a wish of this district, or ''."""
    if permissions.is_global(user):
        return permissions.acting_role(user, CLAIM.name, wish.region.path)
    for grant in permissions.scope_grants(user, CLAIM.name):
        if grant.district_id == wish.district_id:
            return grant.role
    return ""


def require_claimant(user: Any, wish: Wish) -> str:
    role = claimant_role(user, wish)
    if not role:
        raise NotAllowed(_("只有已登记的党员、干部、志愿者或组织账号可以认领心愿。"), code="not_a_claimant")
    return role


def may_see_photos(user: Any, wish: Wish) -> bool:
    """Photos can show a home or a face: the wisher, the community's reviewers and whoever
    holds or held the claim see them; the public board does not."""
    if is_wisher(user, wish) or may_review(user, wish):
        return True
    return getattr(user, "pk", None) is not None and wish.claims.filter(claimant_id=user.pk).exists()


def may_confirm(user: Any, wish: Wish) -> bool:
    return is_wisher(user, wish) or may_review(user, wish)


def may_run_market(user: Any, path: str) -> bool:
    return permissions.has_perm_at(user, RUN_MARKET.name, path)


def may_read_figures(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, FIGURES.name))


def may_see_review_queue(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, VIEW_ALL.name))


def may_open_wish_form(user: Any) -> bool:
    """A resident writes their own wish; a reviewer (social worker) enters one for a resident."""
    return (
        getattr(user, "person", None) is not None
        or permissions.is_global(user)
        or bool(permissions.scope_grants(user, REVIEW.name))
    )


def may_claim_somewhere(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, CLAIM.name))


# Actions only the system takes (the sweep); never offered to a person.
_SYSTEM_ACTIONS = frozenset({"lapse", "expire", "schedule"})
_REVIEW_ACTIONS = frozenset({"approve", "return", "reject", "publish"})


def actions_for(user: Any, wish: Wish) -> list[str]:
    """What this user may do with this wish now: the state's transitions filtered by who the
    user is to the wish, plus the actions outside the table (resubmit, contact, report a
    problem). Pages and the API list these instead of deciding again. No query: the user's
    grants are loaded once per request and the wish carries its wisher and claimant."""
    if getattr(user, "pk", None) is None and not permissions.is_global(user):
        return []
    wisher = is_wisher(user, wish)
    reviewer = may_review(user, wish)
    wisher_side = wisher or reviewer
    holder = wish.status == WishStatus.CLAIMED and wish.claimed_by_id == getattr(user, "pk", None)
    result: list[str] = []
    for action in allowed_actions(wish.status):
        if action in _SYSTEM_ACTIONS:
            continue
        if action in _REVIEW_ACTIONS:
            ok = reviewer and not (action == "publish" and wish.market_id is not None)
        elif action in ("submit", "withdraw", "confirm"):
            ok = wisher_side
        elif action == "claim":
            ok = bool(claimant_role(user, wish)) and not wisher
        elif action in ("release", "fulfil"):
            ok = holder
        else:
            ok = False
        if ok:
            result.append(action)
    if wish.status == WishStatus.RETURNED and wisher_side:
        result.append("resubmit")
    if holder:
        result += ["contacted", "request_contact"]
    if wish.status == WishStatus.CLAIMED and wisher_side and not holder:
        result.append("share_phone")
    if wish.status == WishStatus.DELIVERED and wisher_side and wish.problem_reported_at is None:
        result.append("report_problem")
    return result
