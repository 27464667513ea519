"""The benchmarking rules at their edges — survivors of the mutation run over
``benchmarking/services.py`` (docs/mutation.md, ninth session): a value equal to the indicator's
minimum or maximum is taken, evidence of two characters is enough and of one is not, moving a
node under the parent it already has changes nothing, and only a published tree keeps versions
of its moves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from community365.audit.models import AuditEvent
from community365.benchmarking import services
from community365.benchmarking.models import ManualEntry, TreeChange
from community365.core.errors import InvalidInput, InvalidTransition

from .test_entries import Setup
from .test_scores import small_tree
from .test_tree_edit import SYSTEM, tree_with_group
from .world import World

pytestmark = pytest.mark.django_db


def test_a_value_at_the_indicators_minimum_or_maximum_is_taken():
    s = Setup()  # the indicator takes 0 to 52
    with pytest.raises(InvalidInput, match="不能小于 0"):
        s.submit("-0.01")
    with pytest.raises(InvalidInput, match="不能大于 52"):
        s.submit("52.01")
    at_least = s.submit("0")
    assert at_least.value == Decimal("0")
    at_most = s.submit("52", evidence="每周一次")
    assert at_most.value == Decimal("52")


def test_evidence_of_two_characters_is_enough_and_of_one_is_not():
    s = Setup()
    with pytest.raises(InvalidInput) as refused:
        s.submit("5", evidence=" 记 ")
    assert refused.value.field == "evidence"
    assert not ManualEntry.objects.filter(node=s.node).exists()
    entry = s.submit("5", evidence="记录")
    assert entry.evidence == "记录"


def _versions_and_audit(tree, node):
    return (
        TreeChange.objects.filter(tree=tree).count(),
        AuditEvent.objects.filter(action="benchmarking.node.move", object_id=str(node.pk)).count(),
    )


def test_moving_a_node_under_the_parent_it_has_changes_nothing():
    _w, tree, group, _leaf = tree_with_group()
    # the ids of the test world are large (tests/ids.py): an identity test of two equal ids fails
    assert group.pk > 256
    before = _versions_and_audit(tree, group)
    order = group.order
    moved = services.node_move(actor=SYSTEM, node=group, parent=group.parent, reason="原地不动")
    group.refresh_from_db()
    assert moved.pk == group.pk and group.order == order
    assert _versions_and_audit(tree, group) == before


def test_a_move_in_a_draft_tree_is_no_version_and_in_a_published_tree_is_one():
    _w, draft, group, _leaf = tree_with_group(publish=False)
    mechanisms = draft.nodes.get(level=1, dimension="mechanisms")
    services.node_move(actor=SYSTEM, node=group, parent=mechanisms)
    group.refresh_from_db()
    assert group.parent_id == mechanisms.pk
    assert not TreeChange.objects.filter(tree=draft).exists()

    _w, published, group, _leaf = tree_with_group()
    mechanisms = published.nodes.get(level=1, dimension="mechanisms")
    services.node_move(actor=SYSTEM, node=group, parent=mechanisms, reason="归入五机制")
    assert TreeChange.objects.filter(tree=published, node_code="wishes", reason="归入五机制").count() == 1


def test_a_tree_is_for_a_year_from_2000_to_2100():
    from community365.benchmarking.models import IndicatorTree

    from .world import World

    w = World([1000])
    for year in (1999, 2101):
        with pytest.raises(InvalidInput) as refused:
            services.tree_create(actor=SYSTEM, district=w.district, year=year, name="体系")
        assert refused.value.field == "year"
    for year in (2000, 2100):
        assert services.tree_create(actor=SYSTEM, district=w.district, year=year, name="体系").year == year
    assert sorted(IndicatorTree.objects.filter(district=w.district).values_list("year", flat=True)) == [
        2000,
        2100,
    ]


def test_a_node_moves_only_under_a_node_of_its_own_tree_whichever_was_made_first():
    _w, tree, group, _leaf = tree_with_group()
    later = services.tree_copy(actor=SYSTEM, tree=tree, year=2026)
    assert later.pk > tree.pk
    later_group = later.nodes.get(code="wishes")
    # a parent in the earlier tree (a smaller id) and in the later one (a larger id)
    for node, parent in (
        (later_group, tree.nodes.get(level=1, dimension="mechanisms")),
        (group, later.nodes.get(level=1, dimension="mechanisms")),
    ):
        with pytest.raises(InvalidInput) as refused:
            services.node_move(actor=SYSTEM, node=node, parent=parent, reason="换体系")
        assert refused.value.field == "parent"
    group.refresh_from_db()
    later_group.refresh_from_db()
    assert group.parent.dimension == later_group.parent.dimension == "services"


def test_a_leaf_moved_up_under_a_dimension_stands_at_the_second_level():
    _w, tree, _group, leaf = tree_with_group()
    assert leaf.level == 3
    mechanisms = tree.nodes.get(level=1, dimension="mechanisms")
    services.node_move(actor=SYSTEM, node=leaf, parent=mechanisms, reason="直接归入五机制")
    leaf.refresh_from_db()
    assert (leaf.level, leaf.parent_id, leaf.dimension) == (2, mechanisms.pk, "mechanisms")


def _scored_leaves(tree):
    return list(tree.nodes.filter(retired_at__isnull=True).exclude(source="").order_by("pk"))


def test_a_published_tree_keeps_at_least_one_scored_indicator_and_a_draft_need_not():
    from community365.core.errors import NotAllowed

    from .world import World

    published = small_tree(World([1000]))
    services.tree_publish(actor=SYSTEM, tree=published)
    *first, last = _scored_leaves(published)
    for leaf in first:
        services.node_retire(actor=SYSTEM, node=leaf, reason="并入其他指标")
    with pytest.raises(NotAllowed, match="没有计分指标"):
        services.node_retire(actor=SYSTEM, node=last, reason="并入其他指标")
    last.refresh_from_db()
    assert last.retired_at is None

    draft = small_tree(World([1000]), 2026)
    for leaf in _scored_leaves(draft):
        services.node_retire(actor=SYSTEM, node=leaf)
    assert _scored_leaves(draft) == []


def test_only_a_pending_entry_is_decided_and_the_refusal_names_the_state_it_is_in():
    """Confirmed, returned and superseded entries (states sorting before and after "submitted")
    are refused by the state check itself, which names the state — not by the race guard after
    it, which would say "just handled"."""
    from .test_entries import IN_YEAR

    s = Setup()
    confirmed = services.entry_confirm(actor=s.staff, entry=s.submit("6"), today=IN_YEAR)
    pending = s.submit("7")
    returned = services.entry_return(actor=s.staff, entry=pending, reason="请附会议记录", today=IN_YEAR)
    first = s.submit("8", community=s.b, who=s.worker_b)
    s.submit("9", community=s.b, who=s.worker_b)
    first.refresh_from_db()
    assert first.status == ManualEntry.Status.SUPERSEDED
    for entry, state in ((confirmed, "已确认"), (returned, "退回"), (first, "已被更正")):
        for decide in (
            lambda e: services.entry_confirm(actor=s.staff, entry=e, today=IN_YEAR),
            lambda e: services.entry_return(actor=s.staff, entry=e, reason="再看看", today=IN_YEAR),
        ):
            with pytest.raises(InvalidTransition, match=f"已是“{state}”"):
                decide(entry)
    confirmed.refresh_from_db()
    assert confirmed.status == ManualEntry.Status.CONFIRMED


def test_five_files_of_evidence_are_taken_and_a_sixth_refused():
    from .test_entries import png

    s = Setup()
    with pytest.raises(InvalidInput) as refused:
        s.submit("5", links=[], files=[png(f"p{i}.png") for i in range(services.MAX_FILES + 1)])
    assert refused.value.field == "files"
    assert not ManualEntry.objects.filter(node=s.node).exists()
    entry = s.submit("5", links=[], files=[png(f"p{i}.png") for i in range(services.MAX_FILES)])
    assert entry.files.count() == services.MAX_FILES


def test_a_value_is_entered_for_a_community_of_the_indicators_district_and_nothing_else():
    """Another district's community is not found, whichever district was made first; nor is a
    building of the right community or its subdistrict."""
    from community365.core.errors import NotFound
    from community365.regions.models import Region, RegionKind

    first, second = Setup(), Setup()
    assert first.w.district.pk < second.w.district.pk
    building = Region.objects.add_child(
        first.a,
        create_kwargs={
            "name": "1幢",
            "kind": RegionKind.BUILDING,
            "code": f"{first.a.code}-B1",
            "district": first.w.district,
        },
    )
    for place in (building, first.w.sub):  # kinds sorting before and after "community"
        with pytest.raises(NotFound):
            first.submit("5", community=place)
    with pytest.raises(NotFound):  # a later district's community, for the earlier district's indicator
        first.submit("5", community=second.a, who=second.secretary_a)
    with pytest.raises(NotFound):  # and the other way round
        second.submit("5", community=first.a, who=first.secretary_a)
    assert not ManualEntry.objects.filter(node__in=[first.node, second.node]).exists()


def test_a_dimension_takes_no_entry():
    """Only a manual scored indicator is entered: a dimension (no source) sorts before "manual"."""
    from community365.core.errors import NotAllowed

    from .test_entries import IN_YEAR, LINK

    s = Setup()
    dimension = s.tree.nodes.get(level=1, dimension="linkages")
    with pytest.raises(NotAllowed):
        services.entry_submit(
            actor=s.secretary_a,
            node=dimension,
            community=s.a,
            value=5,
            evidence="说明",
            links=LINK,
            today=IN_YEAR,
        )
    assert not ManualEntry.objects.filter(node=dimension).exists()


def test_a_return_needs_a_reason_of_two_characters():
    from .test_entries import IN_YEAR

    s = Setup()
    entry = s.submit("6")
    with pytest.raises(InvalidInput) as refused:
        services.entry_return(actor=s.staff, entry=entry, reason=" 退 ", today=IN_YEAR)
    assert refused.value.field == "reason"
    entry.refresh_from_db()
    assert entry.status == ManualEntry.Status.SUBMITTED
    returned = services.entry_return(actor=s.staff, entry=entry, reason="补充", today=IN_YEAR)
    assert (returned.status, returned.return_reason) == (ManualEntry.Status.RETURNED, "补充")


def test_who_entered_a_value_does_not_confirm_it_after_moving_to_the_subdistrict():
    """The secretary who entered the value, later a subdistrict staff member (the community role
    revoked), may confirm others' values but not their own."""
    from django.utils import timezone

    from community365.core.errors import NotAllowed
    from community365.people.models import RoleAssignment, User

    from .test_entries import IN_YEAR, role

    s = Setup()
    own = s.submit("6")
    other = s.submit("7", community=s.b, who=s.worker_b)
    RoleAssignment.objects.filter(user=s.secretary_a).update(revoked_at=timezone.now())
    promoted = User.objects.get(pk=s.secretary_a.pk)
    role(s.w, s.w.sub, "subdistrict_staff")  # a colleague with a larger number
    RoleAssignment.objects.create(
        user=promoted, role="subdistrict_staff", region=s.w.sub, district=s.w.district
    )
    promoted = User.objects.get(pk=promoted.pk)
    with pytest.raises(NotAllowed, match="自己填报"):
        services.entry_confirm(actor=promoted, entry=own, today=IN_YEAR)
    assert (
        services.entry_confirm(actor=promoted, entry=other, today=IN_YEAR).status
        == ManualEntry.Status.CONFIRMED
    )
    own.refresh_from_db()
    assert own.status == ManualEntry.Status.SUBMITTED


def test_a_retired_node_is_not_moved_nor_anything_moved_under_a_retired_node():
    from community365.core.errors import NotAllowed

    _w, tree, group, leaf = tree_with_group(publish=False)
    root = tree.nodes.get(level=1, dimension="services")
    spare = services.node_add(actor=SYSTEM, tree=tree, parent=root, code="spare", label="备用分组", weight=1)
    services.node_retire(actor=SYSTEM, node=spare, reason="不用了")
    with pytest.raises(NotAllowed):  # a live leaf under a retired group
        services.node_move(actor=SYSTEM, node=leaf, parent=spare, reason="移动")
    services.node_retire(actor=SYSTEM, node=leaf, reason="不用了")
    with pytest.raises(NotAllowed):  # a retired leaf under a live node
        services.node_move(actor=SYSTEM, node=leaf, parent=root, reason="移动")
    leaf.refresh_from_db()
    assert leaf.parent_id == group.pk


def test_retiring_in_a_published_tree_makes_a_version_that_says_retired():
    _w, tree, group, _leaf = tree_with_group()
    services.node_retire(actor=SYSTEM, node=group, reason="合并到其他指标")
    change = TreeChange.objects.filter(tree=tree, node_code="wishes").latest("version")
    assert (change.before, change.after) == ({"retired": False}, {"retired": True, "nodes": 2})


def test_a_tree_keeps_its_given_name_and_an_unnamed_tree_gets_the_default():
    w = World([1000])
    named = services.tree_create(actor=SYSTEM, district=w.district, year=2031, name=" 江东区对标体系 ")
    assert named.name == "江东区对标体系"
    unnamed = services.tree_create(actor=SYSTEM, district=w.district, year=2032, name="  ")
    assert unnamed.name == "对标指标体系"


def test_a_leaf_made_manual_forgets_its_provider_code():
    """A provider's leaf turned into a manual one (the source given as plain text, as a form or
    the API gives it) keeps no provider code, even one the platform no longer knows."""
    _w, _tree, _group, leaf = tree_with_group(publish=False)
    services.node_update(
        actor=SYSTEM,
        node=leaf,
        changes={"source": "manual", "provider_code": "retired.provider", "label": "社区自评认领速度"},
    )
    leaf.refresh_from_db()
    assert (leaf.source, leaf.provider_code) == ("manual", "")


def test_a_weight_of_nothing_or_less_is_refused_and_the_smallest_above_it_taken():
    _w, _tree, group, leaf = tree_with_group(publish=False)
    for node in (group, leaf):
        for nothing in ("0", "-1"):
            with pytest.raises(InvalidInput) as refused:
                services.node_update(actor=SYSTEM, node=node, changes={"weight": nothing})
            assert refused.value.field == "weight"
        node.refresh_from_db()
        assert node.weight > 0
        assert services.node_update(actor=SYSTEM, node=node, changes={"weight": "0.01"}).weight == Decimal(
            "0.01"
        )


def test_a_change_that_changes_nothing_makes_no_version():
    _w, tree, group, _leaf = tree_with_group()
    before = (
        TreeChange.objects.filter(tree=tree).count(),
        AuditEvent.objects.filter(action="benchmarking.node.update").count(),
    )
    same = services.node_update(actor=SYSTEM, node=group, changes={"label": group.label}, reason="核对")
    assert same.label == group.label
    after = (
        TreeChange.objects.filter(tree=tree).count(),
        AuditEvent.objects.filter(action="benchmarking.node.update").count(),
    )
    assert after == before
    services.node_update(actor=SYSTEM, node=group, changes={"label": "微心愿办理"}, reason="改名")
    assert TreeChange.objects.filter(tree=tree).count() == before[0] + 1


def test_an_entry_records_who_entered_and_who_decided_it():
    from .test_entries import IN_YEAR

    s = Setup()
    confirmed = services.entry_confirm(actor=s.staff, entry=s.submit("6"), today=IN_YEAR)
    assert (confirmed.entered_by_id, confirmed.decided_by_id) == (s.secretary_a.pk, s.staff.pk)
    pending = s.submit("7", community=s.b, who=s.worker_b)
    returned = services.entry_return(actor=s.staff, entry=pending, reason="请附记录", today=IN_YEAR)
    assert (returned.entered_by_id, returned.decided_by_id) == (s.worker_b.pk, s.staff.pk)
