from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from community365.core.context import RequestMeta, request_meta
from community365.core.database import refresh_planner_statistics
from community365.demo.generator import PERSONAS, build_demo


class Command(BaseCommand):
    help = "Load the demo district (Jiangdong, Ningbo, 2016) through the services. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=int, default=1, help="multiply the households per stairwell (benchmarks)"
        )

        parser.add_argument(
            "--full",
            action="store_true",
            help="the full-size district at the article's figures (360,000 residents; see docs/demo.md)",
        )
        parser.add_argument(
            "--full-fraction",
            type=float,
            default=1.0,
            help="with --full: scale the full-size counts down (0 < f ≤ 1), to try the build quickly",
        )

    def handle(
        self, *args: Any, scale: int = 1, full: bool = False, full_fraction: float = 1.0, **options: Any
    ) -> None:
        if not getattr(settings, "ALLOW_DEMO_DATA", False):
            raise CommandError(
                "seed_demo refuses to run here: demo data is not allowed under these settings."
            )
        if not 1 <= scale <= 200:
            raise CommandError("--scale must be between 1 and 200")
        if not 0 < full_fraction <= 1:
            raise CommandError("--full-fraction must be above 0 and at most 1")
        with request_meta(RequestMeta(channel="command")):
            report = build_demo(
                scale=scale, full=full, full_fraction=full_fraction, log=lambda m: self.stdout.write(m)
            )
        refresh_planner_statistics()
        created = ", ".join(f"{k} {v}" for k, v in sorted(report.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo district ready ({created})."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for p in PERSONAS:
            place = p.place or "江东区"
            self.stdout.write(
                f"  {p.username:<20} {p.role:<20} {place}{' · ' + p.department if p.department else ''}"
            )
        self.stdout.write(
            f"  {'member_001…200':<20} {'party_member':<20} various communities (claim micro-wishes)"
        )
        self.stdout.write(
            f"  {'volunteer_001 … 030':<20} {'volunteer':<20} 划船社区 · red team (leader volunteer_demo)"
        )
        self.stdout.write(
            f"  {'resident_001…030':<20} {'resident':<20} 划船社区 (verified, for two-way talks)"
        )
        self.stdout.write(
            f"  {'resident_101…105':<20} {'resident':<20} 黄鹂社区 (verified, for two-way talks)"
        )
