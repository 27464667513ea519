"""Scores are computed in the background (django-tasks): ``recompute`` is enqueued by the
scheduler (core/schedule.py, nightly) and by ``manage.py benchmarking_compute``; pages only read
the snapshot rows."""

from __future__ import annotations

from django_tasks import task

from community365.core.actors import SystemActor


@task()
def recompute(year: int | None = None) -> dict[str, int]:
    """Every district's periods of ``year`` (default: this year) that have begun, with a tree."""
    from django.utils import timezone

    from community365.regions.models import Region, RegionKind

    from .models import IndicatorTree
    from .services import compute_all

    year = year or timezone.localdate().year
    out: dict[str, int] = {}
    actor = SystemActor("benchmarking_compute")
    for district in Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk"):
        if IndicatorTree.objects.filter(district=district, year=year).exists():
            out[district.code] = compute_all(actor=actor, district=district, year=year)
    return out
