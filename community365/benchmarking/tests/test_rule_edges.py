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
from community365.core.errors import InvalidInput

from .test_entries import Setup
from .test_scores import small_tree
from .test_tree_edit import SYSTEM, tree_with_group

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
