"""The demo's 对标: the default indicator tree for last year (published) and this year (copied,
published, then one target raised with a recorded reason: version 2), and the score snapshots of
every month, quarter and year so far, computed by the same service the background task runs —
so they agree with the demo's records.

The demo's records are dated relative to today (wishes over the last year, talks over the last
two, rotas and hours this year), so the two years are last year and this year."""

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
    runs = 0
    for year in (this_year - 1, this_year):
        runs += services.compute_all(actor=SYSTEM, district=district, year=year)
    builder.report.add("benchmarking_run", runs)
