"""The claim rules, each tried on its refused path, against the service itself (the edges only
translate its answers). Each test here was checked against a planted bug: the rule removed,
the test fails (docs/mutation.md)."""

from __future__ import annotations

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from community365.core.roles import Role

SYSTEM = SystemActor("rules-test")


def _large_ids():
    """Ids past CPython's small-int cache, so that a rule comparing ids with ``is`` instead of
    ``==`` fails here as it would in production (SQLite numbers on from the largest id)."""
    from community365.people.models import User
    from community365.regions.models import Region, RegionKind

    if not User.objects.filter(pk__gte=900_000).exists():
        User.objects.create(pk=900_000, username="rules_large_ids", is_active=False)
    if not Region.objects.filter(pk__gte=900_000).exists():
        Region.objects.add_root(
            create_kwargs={"pk": 900_000, "kind": RegionKind.DISTRICT, "name": "编号区", "code": "RULES-IDS"}
        )


@pytest.fixture
def claimant(db, region):
    """claimant() → a new verified party member of 划船社区 (no claims yet)."""
    from community365.people import services as people
    from community365.people.models import User

    _large_ids()
    made = []

    def make(community: str = "划船社区") -> User:
        place = region(community)
        user = people.user_create(
            actor=SYSTEM,
            username=f"rules_claimant_{len(made)}_{place.pk}",
            password=None,
            district=place.district or place,
        )
        people.role_grant(actor=SYSTEM, user=user, role=Role.PARTY_MEMBER, region=place)
        made.append(user)
        return User.objects.get(pk=user.pk)

    return make


def _other_district_member():
    """A party member verified in a district of its own (not the demo district)."""
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions import services as regions
    from community365.regions.models import RegionKind

    _large_ids()
    district = regions.region_create(
        actor=SYSTEM, parent=None, kind=RegionKind.DISTRICT, name="邻区", code="RULES"
    )
    sub = regions.region_create(
        actor=SYSTEM, parent=district, kind=RegionKind.SUBDISTRICT, name="邻区街道", code="RULES-S"
    )
    community = regions.region_create(
        actor=SYSTEM, parent=sub, kind=RegionKind.COMMUNITY, name="邻区社区", code="RULES-S-01"
    )
    user = people.user_create(actor=SYSTEM, username="rules_other_district", password=None, district=district)
    people.role_grant(actor=SYSTEM, user=user, role=Role.PARTY_MEMBER, region=community)
    return User.objects.get(pk=user.pk)


# --- who may claim -----------------------------------------------------------------------------


def test_claimant_verified_in_another_district_is_refused(make_wish):
    from community365.wishes import policies, services
    from community365.wishes.models import Claim, Wish

    wish = make_wish()
    outsider = _other_district_member()
    # a claimant role, but on another district's tree
    assert policies.claimant_role(outsider, wish) == ""
    with pytest.raises(NotAllowed) as refused:
        services.wish_claim(actor=outsider, wish=wish)
    assert refused.value.code == "not_a_claimant"
    assert Wish.objects.get(pk=wish.pk).status == "published"
    assert not Claim.objects.filter(wish=wish).exists()


def test_claimant_of_a_district_claims_its_wishes(db):
    from community365.people import services as people
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    member = _other_district_member()
    community = member.role_assignments.get().region
    assert member.pk > 256 and community.district_id > 256
    person = people.person_register(actor=SYSTEM, name="冯邻居", community=community)
    wish = services.wish_create(
        actor=SYSTEM, wisher=person, title="想要一台收音机", category=ServiceCategory.CONVENIENCE
    )
    services.wish_approve(actor=SYSTEM, wish=wish)
    services.wish_publish(actor=SYSTEM, wish=wish)
    # a claimant of the demo district (a smaller id) may not claim it
    from django.contrib.auth import get_user_model

    demo_member = get_user_model().objects.get(username="member_demo")
    assert demo_member.role_assignments.first().district_id < community.district_id
    with pytest.raises(NotAllowed):
        services.wish_claim(actor=demo_member, wish=wish)
    assert services.wish_claim(actor=member, wish=services.Wish.objects.get(pk=wish.pk)).won


def test_claimant_of_the_same_district_but_another_community_may_claim(make_wish, claimant):
    from community365.wishes import services

    wish = make_wish("划船社区")
    member = claimant("黄鹂社区")  # same district: the rule is the district, not the community
    assert services.wish_claim(actor=member, wish=wish).won


def test_wisher_cannot_claim_their_own_wish(make_wish, claimant, region):
    from community365.people import services as people
    from community365.wishes import services
    from community365.wishes.models import Claim, Wish

    member = claimant()
    person = people.person_register(actor=SYSTEM, name="赵自己", community=region("划船社区"))
    people.person_link_user(actor=SYSTEM, person=person, user=member)
    wish = make_wish(wisher=person)
    with pytest.raises(NotAllowed):
        services.wish_claim(actor=member, wish=wish)
    assert Wish.objects.get(pk=wish.pk).status == "published"
    assert not Claim.objects.filter(wish=wish).exists()


def test_resident_without_a_claimant_role_is_refused(make_wish, persona):
    from community365.wishes import services

    wish = make_wish()
    with pytest.raises(NotAllowed) as refused:
        services.wish_claim(actor=persona("resident_huachuan"), wish=wish)
    assert refused.value.code == "not_a_claimant"


def test_system_actor_cannot_claim(make_wish):
    from community365.wishes import services

    with pytest.raises(NotAllowed):
        services.wish_claim(actor=SYSTEM, wish=make_wish())


# --- what may be claimed -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "approved", "returned", "rejected"])
def test_a_wish_that_is_not_published_cannot_be_claimed(make_wish, claimant, status):
    from community365.wishes import services
    from community365.wishes.models import Claim, WishStatus

    wish = make_wish(status=status)
    with pytest.raises(InvalidTransition) as refused:
        services.wish_claim(actor=claimant(), wish=wish)
    assert str(WishStatus(status).label) in str(refused.value.message)  # says which state it is in
    assert not Claim.objects.filter(wish=wish).exists()


def test_claimed_wish_answers_already_claimed_without_a_write(make_wish, claimant):
    from community365.wishes import services
    from community365.wishes.models import Claim, Wish

    wish = make_wish()
    first, second = claimant(), claimant()
    assert services.wish_claim(actor=first, wish=wish).won
    outcome = services.wish_claim(actor=second, wish=Wish.objects.get(pk=wish.pk))
    assert (outcome.won, outcome.repeated, outcome.claim) == (False, False, None)
    assert list(Claim.objects.filter(wish=wish).values_list("claimant_id", flat=True)) == [first.pk]
    assert Wish.objects.get(pk=wish.pk).claimed_by_id == first.pk


def test_the_claimed_wish_in_hand_agrees_with_the_database(make_wish, claimant):
    """The caller renders the wish it passed in: its claim fields are those just stored."""
    from community365.wishes import services
    from community365.wishes.models import Wish

    wish = make_wish()
    member = claimant()
    services.wish_claim(actor=member, wish=wish)
    stored = Wish.objects.get(pk=wish.pk)
    assert (wish.status, wish.claimed_by_id) == (stored.status, member.pk)
    assert (
        wish.claimed_at == stored.claimed_at and wish.first_claimed_at == stored.first_claimed_at is not None
    )


def test_conditional_update_keeps_a_rival_claim_that_lands_after_the_check(make_wish, claimant, monkeypatch):
    """The database-level guard, without relying on how the database serialises writers: a
    rival's claim is committed between the service's status check and its write. The write
    (UPDATE … WHERE status = 'published') must find no row, so the rival keeps the wish."""
    from community365.wishes import services
    from community365.wishes.models import Claim, Wish, WishStatus

    wish = make_wish()
    me, rival = claimant(), claimant()
    real_now = services.now
    landed = []

    def rival_lands_first():
        if not landed:  # the service reads the clock once, right before its UPDATE
            Wish.objects.filter(pk=wish.pk).update(status=WishStatus.CLAIMED, claimed_by=rival)
            landed.append(True)
        return real_now()

    monkeypatch.setattr(services, "now", rival_lands_first)
    outcome = services.wish_claim(actor=me, wish=wish)
    assert landed, "the rival's write did not happen between check and write: the test proves nothing"
    assert (outcome.won, outcome.repeated, outcome.claim) == (False, False, None)
    row = Wish.objects.get(pk=wish.pk)
    assert (row.status, row.claimed_by_id) == (WishStatus.CLAIMED, rival.pk)
    assert not Claim.objects.filter(wish=wish, claimant=me).exists()


# --- limits ------------------------------------------------------------------------------------


def test_fourth_active_claim_is_refused(make_wish, claimant, settings):
    from community365.wishes import services
    from community365.wishes.models import Claim

    settings.WISH_MAX_ACTIVE_CLAIMS = 3
    member = claimant()
    wishes = [make_wish(title=f"想要一台收音机{i}") for i in range(4)]
    for wish in wishes[:3]:
        assert services.wish_claim(actor=member, wish=wish).won
    with pytest.raises(NotAllowed) as refused:
        services.wish_claim(actor=member, wish=wishes[3])
    assert refused.value.code == "too_many_claims"
    assert Claim.objects.filter(claimant=member, status="active").count() == 3
    assert services.Wish.objects.get(pk=wishes[3].pk).status == "published"


def test_a_claimant_over_a_lowered_limit_is_refused(make_wish, claimant, settings):
    """The limit is 'at most', not 'exactly': lowered to 2 while someone holds 3, it refuses."""
    from community365.wishes import services

    settings.WISH_MAX_ACTIVE_CLAIMS = 3
    member = claimant()
    wishes = [make_wish(title=f"想要一台收音机{i}") for i in range(4)]
    for wish in wishes[:3]:
        services.wish_claim(actor=member, wish=wish)
    settings.WISH_MAX_ACTIVE_CLAIMS = 2
    with pytest.raises(NotAllowed):
        services.wish_claim(actor=member, wish=wishes[3])


def test_a_released_claim_frees_a_place_under_the_limit(make_wish, claimant, settings):
    from community365.wishes import services

    settings.WISH_MAX_ACTIVE_CLAIMS = 3
    member = claimant()
    wishes = [make_wish(title=f"想要一台收音机{i}") for i in range(4)]
    for wish in wishes[:3]:
        services.wish_claim(actor=member, wish=wish)
    services.wish_release(actor=member, wish=services.Wish.objects.get(pk=wishes[0].pk), reason="临时出差")
    assert services.wish_claim(actor=member, wish=wishes[3]).won


def test_third_open_wish_of_a_resident_is_refused(db, region, settings):
    from community365.people import services as people
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory, Wish

    settings.WISH_MAX_OPEN_PER_RESIDENT = 2
    person = people.person_register(actor=SYSTEM, name="钱两愿", community=region("划船社区"))

    def create(title):
        return services.wish_create(
            actor=SYSTEM, wisher=person, title=title, reason="家里需要", category=ServiceCategory.CONVENIENCE
        )

    create("想要一台收音机")
    create("想要一副老花镜")
    with pytest.raises(NotAllowed):
        create("想要一个热水壶")
    assert Wish.objects.filter(wisher=person).count() == 2


def test_a_resident_over_a_lowered_open_limit_is_refused(db, region, settings):
    from community365.people import services as people
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    settings.WISH_MAX_OPEN_PER_RESIDENT = 2
    person = people.person_register(actor=SYSTEM, name="李降限", community=region("划船社区"))
    for title in ("想要一台收音机", "想要一副老花镜"):
        services.wish_create(
            actor=SYSTEM, wisher=person, title=title, reason="家里需要", category=ServiceCategory.CONVENIENCE
        )
    settings.WISH_MAX_OPEN_PER_RESIDENT = 1
    with pytest.raises(NotAllowed):
        services.wish_create(
            actor=SYSTEM,
            wisher=person,
            title="想要一个热水壶",
            reason="家里需要",
            category=ServiceCategory.CONVENIENCE,
        )


def test_a_finished_wish_no_longer_counts_against_the_open_limit(db, region, settings):
    from community365.people import services as people
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    settings.WISH_MAX_OPEN_PER_RESIDENT = 2
    person = people.person_register(actor=SYSTEM, name="孙两愿", community=region("划船社区"))

    def create(title):
        return services.wish_create(
            actor=SYSTEM, wisher=person, title=title, reason="家里需要", category=ServiceCategory.CONVENIENCE
        )

    first = create("想要一台收音机")
    create("想要一副老花镜")
    services.wish_withdraw(actor=SYSTEM, wish=first, reason="已经有了")
    assert create("想要一个热水壶").pk


@pytest.mark.parametrize("value", [-1, 5001, 999999])
def test_wish_value_outside_0_to_5000_is_refused(db, region, value):
    from community365.people import services as people
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    person = people.person_register(actor=SYSTEM, name="周估价", community=region("划船社区"))
    with pytest.raises(InvalidInput):
        services.wish_create(
            actor=SYSTEM,
            wisher=person,
            title="想要一台收音机",
            reason="家里需要",
            value_yuan=value,
            category=ServiceCategory.CONVENIENCE,
        )


# --- who sees what (survivors of the mutation run, docs/mutation.md) --------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_the_wisher_sees_their_own_unpublished_wish(make_wish, persona, region, status):
    from community365.people import services as people
    from community365.wishes import policies

    resident = persona("resident_huachuan")
    person = getattr(resident, "person", None) or people.person_link_user(
        actor=SYSTEM,
        person=people.person_register(actor=SYSTEM, name="郑自己", community=region("划船社区")),
        user=resident,
    )
    wish = make_wish(status=status, wisher=person)
    assert policies.get_visible_wish(resident, wish.pk) == wish
    # a claimant of the same district does not see it in this state
    with pytest.raises(NotFound):
        policies.get_visible_wish(persona("member_demo"), wish.pk)


def test_a_market_of_another_district_is_not_visible(persona):
    import datetime

    from django.utils import timezone

    from community365.people.models import User
    from community365.regions.models import Region
    from community365.wishes import policies, services

    other = _other_district_member()
    market = services.market_create(
        actor=SYSTEM,
        region=Region.objects.get(code="RULES"),
        name="邻区公益集市",
        opens_at=timezone.now() + datetime.timedelta(days=3),
    )
    member = persona("member_demo")
    assert market not in policies.markets_visible_to(member)
    with pytest.raises(NotFound):
        policies.get_visible_market(member, market.pk)
    assert policies.get_visible_market(other, market.pk) == market
    root = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "rules_root", None, "x"
    )
    assert market in policies.markets_visible_to(root)


def test_the_wisher_and_the_communitys_reviewer_may_confirm_no_one_else(make_wish, persona, region):
    from community365.people import services as people
    from community365.wishes import policies

    resident = persona("resident_huachuan")
    person = getattr(resident, "person", None) or people.person_link_user(
        actor=SYSTEM,
        person=people.person_register(actor=SYSTEM, name="郑确认", community=region("划船社区")),
        user=resident,
    )
    wish = make_wish(wisher=person)
    assert policies.may_confirm(resident, wish)  # the wisher, who reviews nothing
    assert policies.may_confirm(persona("worker_huachuan"), wish)  # on the wisher's behalf
    for other in ("member_demo", "worker_huangli", "volunteer_demo"):
        assert not policies.may_confirm(persona(other), wish), other
