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
