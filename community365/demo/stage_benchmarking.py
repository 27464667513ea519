"""The demo's 对标: the default indicator tree for last year (published) and this year (copied,
published, then one target raised with a recorded reason: version 2), and the score snapshots of
every month, quarter and year so far, computed by the same service the background task runs —
so they agree with the demo's records.

The demo's records are dated relative to today (wishes over the last year, talks over the last
two, rotas and hours this year), so the two years are last year and this year.

This year's tree also gains a manual indicator after publication (a recorded version): the
number of residents' council meetings (居民议事会), which the platform does not record. 划船社区's
secretary enters 12 with its minutes and a link, 百丈街道 confirms it (so it is scored); 华严社区's
value waits for 百丈街道 (a to-do of staff_baizhang); 黄鹂社区's was returned for its missing
minutes (a to-do of worker_huangli)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

ORDER = 900


def build(builder: Any) -> None:
    from community365.benchmarking import services
    from community365.benchmarking.defaults import build_default_tree
    from community365.benchmarking.models import IndicatorTree
    from community365.demo.generator import SYSTEM

    district = builder.district
    this_year = timezone.localdate().year
    if IndicatorTree.objects.filter(district=district, year=this_year).exists():
        return
    last = build_default_tree(actor=SYSTEM, district=district, year=this_year - 1)
    services.tree_publish(actor=SYSTEM, tree=last)
    current = services.tree_copy(actor=SYSTEM, tree=last, year=this_year)
    services.tree_publish(actor=SYSTEM, tree=current)
    node = current.nodes.filter(provider_code="talks.tasks_on_time").first()
    if node is not None:
        services.node_update(
            actor=SYSTEM,
            node=node,
            changes={"floor": "60"},
            reason="区委组织部：约谈承诺事项按期办结的保底值由 50% 提高到 60%",
        )
    manual_indicator(current, district)
    runs = 0
    for year in (this_year - 1, this_year):
        runs += services.compute_all(actor=SYSTEM, district=district, year=year)
    builder.report.add("benchmarking_run", runs)


def _minutes_png() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for y in range(40, 300, 24):
        draw.line((30, y, 450, y), fill=(170, 170, 170), width=2)
    draw.rectangle((30, 10, 200, 30), fill=(191, 56, 43))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("minutes.png", out.getvalue(), content_type="image/png")


def manual_indicator(tree: Any, district: Any) -> None:
    from community365.benchmarking import services
    from community365.demo.generator import SYSTEM
    from community365.people.models import User
    from community365.regions.models import Region

    root = tree.nodes.get(level=1, dimension="mechanisms")
    group = services.node_add(
        actor=SYSTEM,
        tree=tree,
        parent=root,
        code="council",
        label="居民议事",
        weight=1,
        reason="区委组织部：增加居民议事会指标（平台没有这项记录，由社区填报、街道确认）",
    )
    node = services.node_add(
        actor=SYSTEM,
        tree=tree,
        parent=group,
        code="council-meetings",
        label="居民议事会召开次数",
        unit="次",
        weight=1,
        rule="linear",
        floor=0,
        target=12,
        source="manual",
        min_value=0,
        max_value=52,
        description="本年度召开居民议事会的次数，附会议记录（照片或扫描件）或公开链接",
        reason="区委组织部：居民议事会召开次数由社区填报",
    )
    places = {
        r.name: r
        for r in Region.objects.filter(district=district, name__in=["划船社区", "华严社区", "黄鹂社区"])
    }
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["secretary_huachuan", "staff_baizhang", "worker_huangli"])
    }
    huachuan = places.get("划船社区")
    if huachuan is not None and {"secretary_huachuan", "staff_baizhang"} <= set(users):
        entry = services.entry_submit(
            actor=users["secretary_huachuan"],
            node=node,
            community=huachuan,
            value=12,
            evidence="每月一次居民议事会，会议记录 12 份",
            links=["https://example.org/huachuan/council-minutes"],
            files=[_minutes_png()],
        )
        services.entry_confirm(actor=users["staff_baizhang"], entry=entry)
    if "华严社区" in places:
        services.entry_submit(
            actor=SYSTEM,
            node=node,
            community=places["华严社区"],
            value=6,
            evidence="双月一次居民议事会，会议记录 6 份",
            links=["https://example.org/huayan/council"],
        )
    if "黄鹂社区" in places and "worker_huangli" in users:
        entry = services.entry_submit(
            actor=users["worker_huangli"],
            node=node,
            community=places["黄鹂社区"],
            value=10,
            evidence="议事会 10 次（防汛专题 4 次）",
            links=["https://example.org/huangli/council"],
        )
        services.entry_return(
            actor=SYSTEM, entry=entry, reason="缺少 3 月至 5 月的会议记录，请补齐后重新填报"
        )
