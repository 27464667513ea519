"""The default indicator tree a district starts from (copied and edited year to year).

Level 1: the three dimensions; level 2: an indicator per instrument; level 3: the sub-indicators
each computed by a registered provider. A provider registered by another app that the table
below does not name is added under its dimension too, scored by rank (weight 1), so a new app's
indicators count from the next tree on."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from community365.core import indicators

# A mean rating of 4 of 5 (满意, "satisfied") is the standard and earns full points: a target of
# 5 would ask every resident to give full marks, so it rewarded the few communities with one or
# two ratings of 5 over those with many ratings (the model's 4.0 over seven wishes).
SATISFIED = 4

# Rates against a standard (a percentage, a mean rating) are scored linearly from a floor to the
# standard; volumes without a natural standard (per 1,000 residents, counts) by rank.
# (level-2 code, label) → [(provider code, weight, rule, floor, target)]
GROUPS: dict[str, list[tuple[str, str, list[tuple[str, int, str, float | None, float | None]]]]] = {
    indicators.LINKAGES: [
        (
            "rota",
            "社工联勤",
            [
                ("teams.rota_coverage", 3, "linear", 50, 100),
                ("teams.residents_per_worker", 2, "linear", 2500, 800),
            ],
        ),
        ("party", "党员报到", [("teams.party_reported_per_100", 2, "linear", 50, 100)]),
        ("volunteers", "志愿服务", [("teams.volunteer_hours_per_1000", 3, "rank", None, None)]),
    ],
    indicators.SERVICES: [
        (
            "wishes",
            "微心愿",
            [
                ("wishes.fulfilled_per_1000", 3, "rank", None, None),
                ("wishes.median_days_to_claim", 2, "linear", 14, 2),
                ("wishes.satisfaction", 3, "linear", 3, SATISFIED),
            ],
        ),
        (
            "desk",
            "便民诉求",
            [
                ("desk.deadline_met", 2, "linear", 60, 95),
                ("desk.requests_per_1000", 1, "rank", None, None),
                ("desk.satisfaction", 2, "linear", 3, SATISFIED),
            ],
        ),
        (
            "mediation",
            "人民调解与法律服务",
            [
                ("cases.agreements_reached_pct", 2, "linear", 50, 90),
                ("cases.agreements_kept_pct", 2, "linear", 60, 100),
                ("cases.consultations_per_1000", 1, "rank", None, None),
            ],
        ),
        ("emergency", "应急排查", [("emergency.checked_share", 2, "linear", 50, 100)]),
    ],
    indicators.MECHANISMS: [
        (
            "talks",
            "双向约谈",
            [
                ("talks.tasks_on_time", 3, "linear", 50, 100),
                ("talks.satisfaction", 2, "linear", 3, SATISFIED),
            ],
        ),
        (
            "secretaries",
            "书记项目与第一书记",
            [
                ("mechanisms.projects_on_schedule", 2, "linear", 50, 100),
                ("mechanisms.first_secretary_results", 1, "rank", None, None),
            ],
        ),
    ],
}
DIMENSION_WEIGHTS = {indicators.LINKAGES: 30, indicators.SERVICES: 40, indicators.MECHANISMS: 30}
DIMENSION_LABELS = {
    indicators.LINKAGES: "三联",
    indicators.SERVICES: "六服务",
    indicators.MECHANISMS: "五机制",
}
GRADE_BANDS = [
    {"min": 85, "label": "五星", "stars": 5},
    {"min": 75, "label": "四星", "stars": 4},
    {"min": 65, "label": "三星", "stars": 3},
    {"min": 50, "label": "二星", "stars": 2},
    {"min": 0, "label": "一星", "stars": 1},
]


def build_default_tree(*, actor: Any, district: Any, year: int) -> Any:
    from . import services

    tree = services.tree_create(
        actor=actor, district=district, year=year, name=_("社区对标指标体系"), grade_bands=GRADE_BANDS
    )
    named = {code for groups in GROUPS.values() for _c, _l, leaves in groups for code, *_rest in leaves}
    for dimension in indicators.DIMENSIONS:
        root = services.node_add(
            actor=actor,
            tree=tree,
            parent=None,
            code=dimension,
            label=DIMENSION_LABELS[dimension],
            dimension=dimension,
            weight=DIMENSION_WEIGHTS[dimension],
        )
        groups = list(GROUPS[dimension])
        extra = [i for i in indicators.all_indicators() if i.dimension == dimension and i.code not in named]
        if extra:
            groups.append(("other-" + dimension, "其他", [(i.code, 1, "rank", None, None) for i in extra]))
        for code, label, leaves in groups:
            leaves = [leaf for leaf in leaves if leaf[0] in indicators.REGISTRY]
            if not leaves:
                continue
            group = services.node_add(
                actor=actor, tree=tree, parent=root, code=code, label=label, weight=len(leaves)
            )
            for provider_code, weight, rule, floor, target in leaves:
                ind = indicators.get(provider_code)
                services.node_add(
                    actor=actor,
                    tree=tree,
                    parent=group,
                    code=provider_code.replace(".", "-").replace("_", "-"),
                    label=str(ind.label),
                    weight=weight,
                    unit=str(ind.unit),
                    direction=ind.direction,
                    floor=floor,
                    target=target,
                    rule=rule,
                    source="provider",
                    provider_code=provider_code,
                )
    return tree
