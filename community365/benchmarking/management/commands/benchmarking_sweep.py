from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from community365.core.actors import SystemActor
from community365.core.context import RequestMeta, request_meta


class Command(BaseCommand):
    help = (
        "Recompute the benchmarking score snapshots (month, quarter, year) of every district with an "
        "indicator tree: this year by default, or --year 2025; --period 2025-03 recomputes one period."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--period", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        from community365.benchmarking.services import scores_compute
        from community365.benchmarking.tasks import recompute
        from community365.core.errors import DomainError
        from community365.regions.models import Region, RegionKind

        with request_meta(RequestMeta(channel="command")):
            if options["period"]:
                actor = SystemActor("benchmarking_sweep")
                for district in Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk"):
                    try:
                        run = scores_compute(actor=actor, district=district, key=options["period"])
                    except DomainError as exc:
                        raise CommandError(exc.message) from exc
                    self.stdout.write(f"{district.name} {run.key}: {run.snapshots.count()}")
                return
            counts = recompute.call(options["year"])
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()) or "no indicator tree")
