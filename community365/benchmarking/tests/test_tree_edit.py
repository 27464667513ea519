"""Editing the tree beyond weights and targets: add, move and retire nodes within three
levels; unit, direction, rule and parameters, source; grade bands with stars; the dimensions'
weights add up to 100; every change after publication is a version with a reason."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from community365.benchmarking import services
from community365.benchmarking.models import IndicatorResult, TreeChange, TreeNode
from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, NotAllowed

from .test_scores import small_tree
from .world import World

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def tree_with_group(publish: bool = True):
    w = World([1000, 1000])
    tree = small_tree(w)
    root = tree.nodes.get(level=1, dimension="services")
    group = services.node_add(actor=SYSTEM, tree=tree, parent=root, code="wishes", label="微心愿", weight=2)
    leaf = services.node_add(
        actor=SYSTEM,
        tree=tree,
        parent=group,
        code="wish-speed",
        label="认领速度",
        weight=1,
        direction="lower",
        floor=14,
        target=2,
        rule="linear",
        source="provider",
        provider_code="wishes.median_days_to_claim",
    )
    if publish:
        services.tree_publish(actor=SYSTEM, tree=tree)
    return w, tree, group, leaf


def test_dimension_weights_must_add_up_to_100():
    _w, tree, group, _leaf = tree_with_group(publish=False)
    dims = {n.dimension: n for n in tree.nodes.filter(level=1)}
    # a draft may pass through other sums, but publishing checks
    services.node_update(actor=SYSTEM, node=dims["linkages"], changes={"weight": "20"})
    with pytest.raises(InvalidInput, match="合计须为 100（现为 95）"):
        services.tree_publish(actor=SYSTEM, tree=tree)
    services.node_update(actor=SYSTEM, node=dims["linkages"], changes={"weight": "25"})
    services.tree_publish(actor=SYSTEM, tree=tree)
    # once published, one dimension alone cannot change (the sum would break) …
    with pytest.raises(InvalidInput, match="合计须为 100"):
        services.node_update(actor=SYSTEM, node=dims["linkages"], changes={"weight": "30"}, reason="调整")
    # … the siblings change together, as one version
    version = tree.version
    with pytest.raises(InvalidInput, match="合计须为 100"):
        services.weights_set(
            actor=SYSTEM, tree=tree, parent=None, weights={dims["linkages"].pk: 30}, reason="调整"
        )
    services.weights_set(
        actor=SYSTEM,
        tree=tree,
        parent=None,
        weights={dims["linkages"].pk: 30, dims["mechanisms"].pk: 45},
        reason="三联权重提高到 30",
    )
    tree.refresh_from_db()
    assert tree.version == version + 1
    change = tree.changes.get(version=tree.version)
    assert change.node_code == "dimensions" and change.before["linkages"] == "25.00"
    assert change.after["linkages"] == "30.00"
    # a weight of 0 or less is refused
    with pytest.raises(InvalidInput, match="大于 0"):
        services.weights_set(actor=SYSTEM, tree=tree, parent=group.parent, weights={group.pk: 0}, reason="x")


def test_add_within_three_levels_and_not_under_a_leaf():
    _w, tree, group, _leaf = tree_with_group()
    with pytest.raises(InvalidInput, match="须写明理由"):
        services.node_add(
            actor=SYSTEM,
            tree=tree,
            parent=group,
            code="x1",
            label="新指标",
            rule="rank",
            source="provider",
            provider_code="wishes.satisfaction",
        )
    with pytest.raises(InvalidInput, match="不能再往下分"):
        services.node_add(
            actor=SYSTEM,
            tree=tree,
            parent=tree.nodes.get(provider_code="talks.tasks_on_time"),  # a leaf at level 2
            code="x2",
            label="子项",
            reason="r",
        )
    with pytest.raises(InvalidInput, match="编码"):
        services.node_add(actor=SYSTEM, tree=tree, parent=group, code="Bad Code", label="x", reason="r")
    sub = services.node_add(actor=SYSTEM, tree=tree, parent=group, code="sub-group", label="分组", reason="r")
    assert sub.level == 3
    with pytest.raises(InvalidInput, match="最多三级"):
        services.node_add(actor=SYSTEM, tree=tree, parent=sub, code="x3", label="四级", reason="r")
    assert TreeChange.objects.filter(tree=tree, node_code="sub-group").exists()


def test_move_keeps_three_levels_and_takes_the_dimension():
    _w, tree, group, leaf = tree_with_group()
    mechanisms = tree.nodes.get(level=1, dimension="mechanisms")
    linkages = tree.nodes.get(level=1, dimension="linkages")
    with pytest.raises(InvalidInput, match="须写明理由"):
        services.node_move(actor=SYSTEM, node=group, parent=mechanisms)
    with pytest.raises(InvalidInput, match="自己"):
        services.node_move(actor=SYSTEM, node=group, parent=group, reason="r")
    other_leaf = tree.nodes.get(provider_code="talks.tasks_on_time")
    with pytest.raises(InvalidInput, match="不能再往下分"):
        services.node_move(actor=SYSTEM, node=leaf, parent=other_leaf, reason="r")
    # a group with a leaf under another level-2 group would reach level 4
    target_group = services.node_add(
        actor=SYSTEM, tree=tree, parent=linkages, code="g2", label="组二", reason="r"
    )
    with pytest.raises(InvalidInput, match="超过三级"):
        services.node_move(actor=SYSTEM, node=group, parent=target_group, reason="r")
    with pytest.raises(NotAllowed, match="维度不能移动"):
        services.node_move(actor=SYSTEM, node=mechanisms, parent=linkages, reason="r")
    services.node_move(actor=SYSTEM, node=group, parent=mechanisms, reason="心愿归入五机制")
    leaf.refresh_from_db()
    group.refresh_from_db()
    assert group.parent_id == mechanisms.pk and group.dimension == leaf.dimension == "mechanisms"
    change = tree.changes.get(node_code="wishes", reason="心愿归入五机制")
    assert change.before["parent"] == "services" and change.after["parent"] == "mechanisms"


def test_retired_nodes_are_no_longer_scored_and_not_copied():
    w, tree, group, leaf = tree_with_group()
    services.scores_compute(actor=SYSTEM, district=w.district, key="2025")
    assert IndicatorResult.objects.filter(node=leaf, run__complete=True).exists()
    with pytest.raises(NotAllowed, match="维度不能停用"):
        services.node_retire(actor=SYSTEM, node=group.parent, reason="r")
    with pytest.raises(InvalidInput, match="须写明理由"):
        services.node_retire(actor=SYSTEM, node=group)
    services.node_retire(actor=SYSTEM, node=group, reason="并入满意度")
    leaf.refresh_from_db()
    assert leaf.retired_at is not None  # the subtree goes with it
    with pytest.raises(NotAllowed, match="已经停用"):
        services.node_retire(actor=SYSTEM, node=group, reason="r")
    with pytest.raises(NotAllowed, match="已停用"):
        services.node_update(actor=SYSTEM, node=leaf, changes={"weight": "2"}, reason="r")
    services.scores_compute(actor=SYSTEM, district=w.district, key="2025")
    assert not IndicatorResult.objects.filter(node=leaf, run__complete=True).exists()
    assert tree.changes.filter(node_code="wishes").exists()
    copy = services.tree_copy(actor=SYSTEM, tree=tree, year=2026)
    assert not copy.nodes.filter(code__in=["wishes", "wish-speed"]).exists()


def test_rule_source_and_range_edits():
    _w, tree, group, leaf = tree_with_group()
    # thresholds with their parameters
    services.node_update(
        actor=SYSTEM,
        node=leaf,
        changes={"rule": "thresholds", "thresholds": [["7", "60"], ["3", "100"]]},
        reason="改为分档",
    )
    leaf.refresh_from_db()
    assert leaf.rule == "thresholds" and leaf.thresholds == [["7", "60"], ["3", "100"]]
    with pytest.raises(InvalidInput, match="0 到 100"):
        services.node_update(actor=SYSTEM, node=leaf, changes={"thresholds": [["7", "160"]]}, reason="r")
    with pytest.raises(InvalidInput, match="至少一档"):
        services.node_update(actor=SYSTEM, node=leaf, changes={"thresholds": []}, reason="r")
    # linear needs both ends
    with pytest.raises(InvalidInput, match="保底值和目标值"):
        services.node_update(actor=SYSTEM, node=leaf, changes={"rule": "linear", "floor": None}, reason="r")
    # source: a provider must be registered; a manual one must not duplicate the platform's data
    with pytest.raises(InvalidInput, match="没有这个自动计算方法"):
        services.node_update(actor=SYSTEM, node=leaf, changes={"provider_code": "nope.x"}, reason="r")
    with pytest.raises(InvalidInput, match="平台已有记录") as exc:
        services.node_update(actor=SYSTEM, node=leaf, changes={"source": "manual"}, reason="r")
    assert exc.value.code == "double_entry"
    services.node_update(
        actor=SYSTEM,
        node=leaf,
        changes={
            "source": "manual",
            "provider_code": "",
            "label": "书记培训学时",
            "unit": "学时",
            "min_value": "0",
            "max_value": "200",
        },
        reason="改为社区填报",
    )
    leaf.refresh_from_db()
    assert leaf.source == "manual" and leaf.provider_code == "" and leaf.max_value == Decimal("200")
    with pytest.raises(InvalidInput, match="最小值不能大于最大值"):
        services.node_update(actor=SYSTEM, node=leaf, changes={"min_value": "300"}, reason="r")
    # a group has no rule or source
    with pytest.raises(InvalidInput, match="不能修改"):
        services.node_update(actor=SYSTEM, node=group, changes={"rule": "rank"}, reason="r")
    versions = list(tree.changes.filter(node_code="wish-speed").values_list("version", flat=True))
    assert len(versions) == 2


def test_grade_bands_with_stars():
    _w, tree, _group, _leaf = tree_with_group()
    bands = [
        {"min": 80, "label": "五星", "stars": 5},
        {"min": 60, "label": "三星", "stars": 3},
        {"min": 0, "label": "一星", "stars": 1},
    ]
    with pytest.raises(InvalidInput, match="须写明理由"):
        services.tree_settings(actor=SYSTEM, tree=tree, grade_bands=bands)
    for bad, message in (
        ([{"min": 50, "label": "好"}], "从 0 分起"),
        ([{"min": 0, "label": "好"}, {"min": 0, "label": "差"}], "不能相同"),
        ([{"min": 0, "label": "好", "stars": 6}], "0 到 5"),
        ([{"min": 120, "label": "好"}], "0 到 100"),
        ([{"min": 0, "label": ""}], "名称"),
    ):
        with pytest.raises(InvalidInput, match=message):
            services.tree_settings(actor=SYSTEM, tree=tree, grade_bands=bad, reason="r")
    services.tree_settings(actor=SYSTEM, tree=tree, grade_bands=bands, reason="改为星级")
    tree.refresh_from_db()
    assert tree.stars_of("五星") == 5 and tree.changes.filter(node_code="settings").exists()


def test_only_the_district_admin_edits(client):
    from community365.people.models import RoleAssignment

    w, tree, _group, leaf = tree_with_group()
    worker = w.user()
    RoleAssignment.objects.create(
        user=worker, role="social_worker", region=w.communities[0], district=w.district
    )
    for call in (
        lambda: services.node_move(
            actor=worker, node=leaf, parent=tree.nodes.get(level=1, dimension="mechanisms"), reason="r"
        ),
        lambda: services.node_retire(actor=worker, node=leaf, reason="r"),
        lambda: services.weights_set(actor=worker, tree=tree, parent=None, weights={}, reason="r"),
        lambda: services.tree_settings(
            actor=worker, tree=tree, grade_bands=[{"min": 0, "label": "x"}], reason="r"
        ),
    ):
        with pytest.raises(NotAllowed):
            call()
    client.force_login(worker)
    client.post(f"/benchmarking/indicators/nodes/{leaf.pk}/retire", {"reason": "r"})
    leaf.refresh_from_db()
    assert leaf.retired_at is None


def test_tree_page_forms(client):
    from community365.people.models import RoleAssignment

    w, tree, group, leaf = tree_with_group()
    admin = w.user()
    RoleAssignment.objects.create(user=admin, role="district_admin", region=w.district, district=w.district)
    client.force_login(admin)
    page = client.get("/benchmarking/indicators/?year=2025").content.decode()
    for url in (
        f"nodes/{leaf.pk}/move",
        f"nodes/{leaf.pk}/retire",
        f"{tree.pk}/nodes/new",
        f"{tree.pk}/weights",
        f"{tree.pk}/settings",
    ):
        assert f"/benchmarking/indicators/{url}" in page
    # add a manual sub-indicator through the page
    r = client.post(
        f"/benchmarking/indicators/{tree.pk}/nodes/new",
        {
            "parent": group.pk,
            "code": "secretary-training",
            "kind": "leaf",
            "label": "书记培训学时",
            "weight": "1",
            "unit": "学时",
            "direction": "higher",
            "rule": "thresholds",
            "thresholds": "20:60, 40:100",
            "source": "manual",
            "min_value": "0",
            "max_value": "200",
            "reason": "增加书记培训",
        },
        follow=True,
    )
    node = TreeNode.objects.get(tree=tree, code="secretary-training")
    assert node.thresholds == [["20", "60"], ["40", "100"]] and node.source == "manual"
    assert "增加书记培训" in r.content.decode()  # the version is listed on the tree page
    # the settings form: bands one a line
    client.post(
        f"/benchmarking/indicators/{tree.pk}/settings",
        {"grade_bands": "80 优秀 5\n0 一般 2", "entries_close_on": "2026-01-15", "reason": "星级"},
    )
    tree.refresh_from_db()
    assert tree.grade_bands[0] == {"min": 80.0, "label": "优秀", "stars": 5}
    assert tree.closes_on == datetime.date(2026, 1, 15)
    # a refused sum on the weights form is shown, not a 500
    dims = {n.dimension: n for n in tree.nodes.filter(level=1)}
    r = client.post(
        f"/benchmarking/indicators/{tree.pk}/weights",
        {"parent": "", f"w_{dims['linkages'].pk}": "90", "reason": "r"},
        follow=True,
    )
    assert r.status_code == 200 and "合计须为 100" in r.content.decode()
