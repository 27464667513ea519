"""Scores computed into snapshots equal a from-scratch computation over the records, by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from community365.benchmarking import services
from community365.benchmarking.models import IndicatorResult, ScoreRun, ScoreSnapshot, TreeChange
from community365.core import indicators
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, NotAllowed

from .world import World, at

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
D = datetime.date


def small_tree(w: World, year: int = 2025):
    tree = services.tree_create(
        actor=SYSTEM,
        district=w.district,
        year=year,
        name="测试体系",
        grade_bands=[{"min": 80, "label": "优秀"}, {"min": 0, "label": "一般"}],
    )
    leaves = {
        "linkages": ("teams.volunteer_hours_per_1000", 0, 10, 25),
        "services": ("wishes.satisfaction", 3, 5, 25),
        "mechanisms": ("talks.tasks_on_time", 50, 100, 50),
    }
    for dim, (code, floor, target, weight) in leaves.items():
        root = services.node_add(
            actor=SYSTEM, tree=tree, parent=None, code=dim, label=dim, dimension=dim, weight=weight
        )
        services.node_add(
            actor=SYSTEM,
            tree=tree,
            parent=root,
            code=code.replace(".", "-").replace("_", "-"),
            label=code,
            weight=1,
            direction=indicators.get(code).direction,
            floor=floor,
            target=target,
            rule="linear",
            source="provider",
            provider_code=code,
        )
    return tree


def world_with_records():
    w = World([500, 1000, 1000])
    a, b, _c = w.communities
    w.hours(a, "4", at(D(2025, 3, 1)))  # 8 per 1000 → 80 points
    w.hours(b, "2", at(D(2025, 3, 1)))  # 2 per 1000 → 20
    for r in (5, 4):  # 4.5 → 75
        w.wish(
            a, published=at(D(2025, 1, 1)), claimed=at(D(2025, 1, 2)), confirmed=at(D(2025, 2, 1)), rating=r
        )
    w.wish(
        b, published=at(D(2025, 1, 1)), claimed=at(D(2025, 1, 2)), confirmed=at(D(2025, 2, 1)), rating=3
    )  # 0
    ta, tb = w.topic(a), w.topic(b)
    w.task(ta, deadline=D(2025, 5, 1), done=at(D(2025, 4, 1)))  # a: 100 % → 100
    w.task(tb, deadline=D(2025, 5, 1), done=at(D(2025, 4, 1)))
    w.task(tb, deadline=D(2025, 5, 1))  # b: 50 % → 0
    return w


def snap(run, community):
    return ScoreSnapshot.objects.get(run=run, community=community)


def test_compute_recompute_against_hand_checked_values():
    w = world_with_records()
    a, b, c = w.communities
    small_tree(w)
    run = services.scores_compute(actor=SYSTEM, district=w.district, key="2025")
    sa, sb, sc = snap(run, a), snap(run, b), snap(run, c)
    # a: (80·1 + 75·1 + 100·2) ÷ 4 = 88.75
    assert (sa.linkages, sa.services, sa.mechanisms, sa.total) == (
        Decimal("80.00"),
        Decimal("75.00"),
        Decimal("100.00"),
        Decimal("88.75"),
    )
    assert (sa.people_index, sa.service_index) == (Decimal("87.50"), Decimal("90.00"))
    assert sa.grade == "优秀" and sa.rank == 1
    # b: (20 + 0 + 0) ÷ 4 = 5
    assert sb.total == Decimal("5.00") and sb.rank == 2 and sb.grade == "一般"
    # c: a population but no records: hours 0 → 0 points; nothing else measured → total 0
    assert (sc.linkages, sc.services, sc.mechanisms, sc.total, sc.rank) == (
        Decimal("0.00"),
        None,
        None,
        Decimal("0.00"),
        3,
    )

    # change the records, recompute: c's 20 hours per 1000 reach the target → 100 × 1 ÷ 4 = 25;
    # b's late task is done on time → 2 of 3 = 66.7 % → (66.7 − 50) ÷ 50 = 33.40 → (20 + 2·33.4) ÷ 4
    w.hours(c, "20", at(D(2025, 6, 1)))
    from community365.talks.models import TalkTask

    TalkTask.objects.filter(topic__region=b, done_at__isnull=True).update(
        status="done", done_at=at(D(2025, 4, 30))
    )
    w.task(w.topic(b), deadline=D(2025, 6, 1))
    # now b has 2 of 3 on time
    run2 = services.scores_compute(actor=SYSTEM, district=w.district, key="2025")
    assert snap(run2, c).total == Decimal("25.00") and snap(run2, c).rank == 2
    assert snap(run2, b).mechanisms == Decimal("33.40") and snap(run2, b).total == Decimal("21.70")
    assert snap(run2, b).rank == 3
    # the old run is gone: exactly one complete run of the period, its rows only
    assert list(ScoreRun.objects.filter(district=w.district, key="2025").values_list("pk", flat=True)) == [
        run2.pk
    ]
    assert not ScoreSnapshot.objects.filter(run=run).exists()
    # idempotent: computing again yields the same figures
    run3 = services.scores_compute(actor=SYSTEM, district=w.district, key="2025")

    def figures(r):
        return sorted(ScoreSnapshot.objects.filter(run=r).values_list("community_id", "total", "rank"))

    assert figures(run3) == [
        (a.pk, Decimal("88.75"), 1),
        (b.pk, Decimal("21.70"), 3),
        (c.pk, Decimal("25.00"), 2),
    ]
    assert IndicatorResult.objects.filter(run=run3).count() == 3 * 3
    # every row of the run carries the run's district (shard-ready: docs/scaling.md)
    assert IndicatorResult.objects.filter(run=run3, district=w.district).count() == 3 * 3
    assert ScoreSnapshot.objects.filter(run=run3, district=w.district).count() == 3


def test_a_failed_recompute_leaves_the_previous_snapshot(monkeypatch):
    w = world_with_records()
    small_tree(w)
    run = services.scores_compute(actor=SYSTEM, district=w.district, key="2025")
    ind = indicators.get("wishes.satisfaction")

    def boom(period, ids):
        raise RuntimeError("provider failed")

    monkeypatch.setitem(
        indicators.REGISTRY, "wishes.satisfaction", indicators.Indicator(**{**ind.__dict__, "compute": boom})
    )
    with pytest.raises(RuntimeError):
        services.scores_compute(actor=SYSTEM, district=w.district, key="2025")
    runs = ScoreRun.objects.filter(district=w.district, key="2025")
    assert list(runs.values_list("pk", "complete")) == [(run.pk, True)]
    assert ScoreSnapshot.objects.filter(run=run).count() == 3


def test_movement_reads_the_period_before():
    w = world_with_records()
    a, b, c = w.communities
    small_tree(w)
    services.scores_compute(actor=SYSTEM, district=w.district, key="2025-02")
    for _ in range(10):
        w.hours(c, "20", at(D(2025, 3, 5)))  # c leads its linkages in March
    march = services.scores_compute(actor=SYSTEM, district=w.district, key="2025-03")
    # February: a 75 on services → 18.75, b and c 0 (tied 2nd); March: hours 80 / 20 / 100 →
    # a 20, b 5, c 25 → c 1st (+1), a 2nd (−1), b 3rd (−1)
    assert (snap(march, c).previous_rank, snap(march, c).rank, snap(march, c).movement) == (2, 1, 1)
    assert (snap(march, a).previous_rank, snap(march, a).rank, snap(march, a).movement) == (1, 2, -1)
    assert snap(march, b).movement == -1


def test_a_manual_indicator_whose_data_the_platform_holds_is_refused():
    w = World([1000])
    tree = small_tree(w)
    root = tree.nodes.get(code="services")
    with pytest.raises(InvalidInput) as exc:
        services.node_add(
            actor=SYSTEM,
            tree=tree,
            parent=root,
            code="sat",
            label="自填满意度",
            weight=1,
            floor=3,
            target=5,
            source="manual",
            provider_code="wishes.satisfaction",
        )
    assert exc.value.code == "double_entry"
    with pytest.raises(InvalidInput):  # the same meaning under its registered name
        services.node_add(
            actor=SYSTEM,
            tree=tree,
            parent=root,
            code="sat2",
            label=str(indicators.get("wishes.satisfaction").label),
            weight=1,
            floor=3,
            target=5,
            source="manual",
        )
    node = services.node_add(
        actor=SYSTEM,
        tree=tree,
        parent=root,
        code="brand",
        label="一社一特品牌建设",
        weight=1,
        floor=0,
        target=10,
        source="manual",
    )
    assert node.source == "manual"


def test_changes_after_publication_are_versioned_and_need_a_reason():
    w = World([1000])
    tree = small_tree(w)
    leaf = tree.nodes.get(code="wishes-satisfaction")
    services.node_update(actor=SYSTEM, node=leaf, changes={"target": "4.5"})  # draft: no version
    assert tree.changes.count() == 0
    services.tree_publish(actor=SYSTEM, tree=tree)
    with pytest.raises(InvalidInput):
        services.node_update(actor=SYSTEM, node=leaf, changes={"target": "4.8"})
    services.node_update(actor=SYSTEM, node=leaf, changes={"target": "4.8"}, reason="全区满意度普遍提高")
    tree.refresh_from_db()
    change = TreeChange.objects.get(tree=tree)
    assert tree.version == 2 and change.version == 2
    assert (change.before["target"], change.after["target"]) == ("4.50", "4.8")
    with pytest.raises(NotAllowed):
        services.tree_publish(actor=SYSTEM, tree=tree)


def test_copy_to_next_year_and_refusals():
    w = World([1000])
    tree = small_tree(w)
    new = services.tree_copy(actor=SYSTEM, tree=tree, year=2026)
    assert new.nodes.count() == tree.nodes.count() and new.status == "draft"
    leaf = new.nodes.get(code="wishes-satisfaction")
    assert leaf.parent.tree_id == new.pk
    with pytest.raises(NotAllowed):
        services.tree_copy(actor=SYSTEM, tree=tree, year=2026)
    with pytest.raises(InvalidInput):  # a linear rule without a target
        services.node_add(
            actor=SYSTEM,
            tree=new,
            parent=leaf.parent,
            code="x",
            label="x",
            rule="linear",
            source="provider",
            provider_code="wishes.fulfilled_per_1000",
            floor=1,
        )
    with pytest.raises(InvalidInput):  # a fourth level
        services.node_add(actor=SYSTEM, tree=new, parent=leaf, code="y", label="y")


def test_only_the_district_admin_defines(persona):
    w = World([1000])
    with pytest.raises(NotAllowed):
        services.tree_create(actor=persona("worker_huachuan"), district=w.district, year=2025, name="x")


def test_scoring_rules():
    from community365.benchmarking import scoring

    D_ = Decimal
    assert scoring.linear(D_(75), D_(50), D_(100), "higher") == D_(50)
    assert scoring.linear(D_(120), D_(50), D_(100), "higher") == D_(100)
    assert scoring.linear(D_(8), D_(14), D_(2), "lower") == D_(50)
    assert scoring.thresholds(D_(7), [[5, 60], [10, 100]], "higher") == D_(60)
    assert scoring.thresholds(D_(3), [[5, 60]], "lower") == D_(60)
    # rank: 3 worse of n − 1 = 4 → 75; the four tied at 0 have nobody worse → 0
    got = scoring.by_rank({1: D_(9), 2: D_(0), 3: D_(0), 4: D_(0)}, "higher")
    assert got == {1: D_(100), 2: D_(0), 3: D_(0), 4: D_(0)}
    got = scoring.by_rank({1: D_(2), 2: D_(5), 3: D_(9)}, "lower")
    assert got == {1: D_(100), 2: D_(50), 3: D_(0)}
    assert scoring.ranks({1: D_(5), 2: D_(7), 3: D_(5), 4: D_(1)}) == {2: 1, 1: 2, 3: 2, 4: 4}
    assert scoring.previous_key("2025-01") == "2024-12" and scoring.previous_key("2025-Q1") == "2024-Q4"
    assert scoring.parse_key("2025-13") is None and scoring.parse_key("x") is None
