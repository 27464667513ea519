"""An analysis keeps its figures as they were when it was written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from community365.core.errors import InvalidInput, NotAllowed
from community365.supervision import policies, services

pytestmark = pytest.mark.django_db


def _leaf(run):
    return run.tree.nodes.filter(children__isnull=True).exclude(provider_code="").order_by("id").first()


def test_figures_are_frozen(admin, district, huachuan, huangli):
    from community365.benchmarking.models import IndicatorResult, ScoreRun

    run = ScoreRun.objects.get(district=district, key=str(timezone.localdate().year - 1), complete=True)
    leaf = _leaf(run)
    analysis = services.analysis_write(
        actor=admin,
        district=district,
        title="专题",
        topic="差距",
        body="正文写了十个字以上的内容。",
        period=run.key,
        communities=[huachuan, huangli],
        indicator_codes=[leaf.code],
    )
    before = analysis.figures
    assert {r["community"] for r in before["rows"]} == {"划船社区", "黄鹂社区"}
    IndicatorResult.objects.filter(run=run, node=leaf).update(value=Decimal("12345"))
    analysis.refresh_from_db()
    assert analysis.figures == before
    assert "12345.00" not in str(analysis.figures)


def test_refusals(admin, staff, district, huachuan):
    with pytest.raises(InvalidInput):
        services.analysis_write(
            actor=admin,
            district=district,
            title="专题",
            topic="差距",
            body="正文写了十个字以上的内容。",
            period="1999",
            communities=[huachuan],
            indicator_codes=[],
        )
    with pytest.raises(InvalidInput):
        services.analysis_write(
            actor=admin,
            district=district,
            title="专题",
            topic="差距",
            body="正文写了十个字以上的内容。",
            period=str(timezone.localdate().year - 1),
            communities=[huachuan],
            indicator_codes=["no-such-code"],
        )
    with pytest.raises(NotAllowed):
        services.analysis_write(
            actor=staff,
            district=district,
            title="专题",
            topic="差距",
            body="正文写了十个字以上的内容。",
            period=str(timezone.localdate().year - 1),
            communities=[huachuan],
            indicator_codes=[],
        )


def test_who_reads_analyses(persona):
    for who, sees in [
        ("admin_district", True),
        ("leader_demo", True),
        ("staff_baizhang", True),
        ("secretary_huachuan", False),
        ("worker_huachuan", False),
        ("resident_huachuan", False),
    ]:
        assert policies.analyses_visible_to(persona(who)).exists() is sees, who


def _write(admin, district, run, communities, codes):
    return services.analysis_write(
        actor=admin,
        district=district,
        title="专题",
        topic="差距",
        body="正文写了十个字以上的内容。",
        period=run.key,
        communities=communities,
        indicator_codes=codes,
    )


def _run(district):
    from community365.benchmarking.models import ScoreRun

    return ScoreRun.objects.get(district=district, key=str(timezone.localdate().year - 1), complete=True)


def test_only_communities_of_the_district_are_analysed(admin, district, huachuan, region):
    """A place that is not a community (its subdistrict) and a community of another district are
    left out, whichever half of the rule they meet."""
    from community365.core.actors import SystemActor
    from community365.regions import services as regions

    system = SystemActor("test")
    other = regions.region_create(actor=system, parent=None, kind="district", name="海曙区", code="HS")
    street = regions.region_create(actor=system, parent=other, kind="subdistrict", name="鼓楼街道", code="GL")
    elsewhere = regions.region_create(
        actor=system, parent=street, kind="community", name="外区社区", code="GL-01"
    )
    subdistrict = region("百丈街道")
    analysis = _write(admin, district, _run(district), [huachuan, subdistrict, elsewhere], [])
    assert [r["community"] for r in analysis.figures["rows"]] == ["划船社区"]
    with pytest.raises(InvalidInput) as refused:
        _write(admin, district, _run(district), [subdistrict, elsewhere], [])
    assert refused.value.field == "communities"


def test_twenty_indicators_are_taken_and_twenty_one_refused(admin, district, huachuan):
    run = _run(district)
    leaves = list(run.tree.nodes.filter(children__isnull=True).order_by("id").values_list("code", flat=True))
    assert len(leaves) >= services.MAX_INDICATORS, "the demo's tree has as many leaves as the limit"
    analysis = _write(admin, district, run, [huachuan], leaves[: services.MAX_INDICATORS])
    assert len(analysis.figures["indicators"]) == services.MAX_INDICATORS
    # one more (an unknown code: the limit is checked first, and says so)
    with pytest.raises(InvalidInput) as refused:
        _write(admin, district, run, [huachuan], [*leaves[: services.MAX_INDICATORS], "one-too-many"])
    assert refused.value.field == "indicators"
    assert "最多" in refused.value.message
    # the same code twice counts once
    twice = _write(admin, district, run, [huachuan], [leaves[0]] * (services.MAX_INDICATORS + 1))
    assert [i["code"] for i in twice.figures["indicators"]] == [leaves[0]]


def test_ranked_communities_come_first_by_rank_then_the_unranked_in_the_trees_order(
    admin, district, huachuan, huangli, huayan
):
    from community365.benchmarking.models import ScoreSnapshot

    run = _run(district)
    ranks = dict(
        ScoreSnapshot.objects.filter(run=run, community__in=[huachuan, huangli, huayan]).values_list(
            "community_id", "rank"
        )
    )
    assert len(ranks) == 3, "the demo's run ranks these three"
    # leave two of them unranked in this run: they follow the ranked one, in the tree's order
    ScoreSnapshot.objects.filter(run=run, community__in=[huangli, huayan]).delete()
    analysis = _write(admin, district, run, [huayan, huangli, huachuan], [])
    unranked = sorted([huangli, huayan], key=lambda c: c.path)
    assert [r["community_id"] for r in analysis.figures["rows"]] == [huachuan.pk] + [c.pk for c in unranked]
    assert [r["rank"] for r in analysis.figures["rows"]] == [ranks[huachuan.pk], None, None]
