"""The emergency response's part of the demo (see demo/stages.py): 黄鹂社区's low-lying
buildings flagged, its emergency team with emergency_demo, last September's typhoon as a
closed event (checklist, supplies, tasks, report, hours) and an open drill in which
emergency_demo has households to check. Idempotent; everything through the services."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from community365.core.actors import SystemActor
from community365.regions.models import Region, RegionKind

ORDER = 60
SYSTEM = SystemActor("seed_demo")
COMMUNITY = "黄鹂社区"
TEAM = "黄鹂社区防汛应急队"


def _last_september(today: datetime.date) -> datetime.date:
    year = today.year if today.month > 9 else today.year - 1
    return datetime.date(year, 9, 12)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build(builder: Any) -> None:
    from community365.emergency import services
    from community365.emergency.models import CheckAssignment, EmergencyEvent, EmergencyTask, EventStatus
    from community365.people.models import User
    from community365.teams import services as teams
    from community365.teams.models import Team, TeamMembership

    community = Region.objects.filter(name=COMMUNITY, kind=RegionKind.COMMUNITY).first()
    if community is None:
        return
    subdistrict = Region.objects.get(path=community.path[: -Region.steplen])
    admin = User.objects.get(username="admin_district")
    rng = builder.rng

    # The community's low-lying buildings (all of 黄鹂社区's, as in the article).
    for building in Region.objects.filter(
        path__startswith=community.path, kind=RegionKind.BUILDING, low_lying=False
    ).order_by("path"):
        services.building_set_low_lying(actor=SYSTEM, building=building, low_lying=True)

    team = Team.objects.filter(region=community, name=TEAM).first()
    demo_user = User.objects.get(username="emergency_demo")
    if (
        team is not None
        and not TeamMembership.objects.filter(team=team, user=demo_user, left_at__isnull=True).exists()
    ):
        teams.team_add_member(actor=SYSTEM, team=team, user=demo_user)

    today = timezone.localdate()
    typhoon_title = f"{_last_september(today).year}年9月台风应急响应"
    if not EmergencyEvent.objects.filter(region=subdistrict, title=typhoon_title).exists():
        day = _last_september(today)
        declared = services.event_declare(
            actor=SYSTEM,
            place=subdistrict,
            title=typhoon_title,
            kind="typhoon",
            level="orange",
            starts_at=_at(day, 8),
            ends_at=_at(day + datetime.timedelta(days=2), 8),
            communities=[community],
            declared_by=admin,
            now=_at(day, 7, 30),
        )
        event = declared.event
        statuses = ["safe"] * 7 + ["needs_help"] * 3 + ["not_home", "moved"]
        for i, assignment in enumerate(
            CheckAssignment.objects.filter(event=event)
            .select_related("assignee")
            .order_by("building__path", "pk")
        ):
            status = rng.choice(statuses)
            item = services.CheckItem(
                household=assignment.household_id,
                status=status,
                key=str(uuid.UUID(int=rng.getrandbits(128))),
                needs=rng.sample(["candles", "meals", "medicine", "evacuation"], 2)
                if status == "needs_help"
                else [],
                supplies={"candles": 2, "meals": 1} if status == "needs_help" else {},
                note="",
                at=_at(day, 10) + datetime.timedelta(minutes=12 * i),
            )
            services.checks_record(actor=assignment.assignee, event=event, items=[item])
        for task in (
            EmergencyTask.objects.filter(event=event).select_related("region", "event").order_by("pk")
        ):
            services.task_done(actor=SYSTEM, task=task, now=_at(day + datetime.timedelta(days=1), 16))
        services.event_close(
            actor=SYSTEM,
            event=event,
            summary="台风期间应急队和社工逐户排查低洼楼栋和独居老人，送去蜡烛和盒饭，无人员伤亡。",
            now=_at(day + datetime.timedelta(days=2), 18),
        )
        builder.report.add("emergency event")

    drill_title = f"{today.year}年防台防汛应急演练"
    if not EmergencyEvent.objects.filter(
        region=subdistrict, title=drill_title, status=EventStatus.OPEN
    ).exists():
        start = timezone.now() - datetime.timedelta(hours=1)
        services.event_declare(
            actor=SYSTEM,
            place=subdistrict,
            title=drill_title,
            kind="flood",
            level="blue",
            starts_at=start,
            ends_at=start + datetime.timedelta(days=3),
            communities=[community],
            is_drill=True,
            declared_by=admin,
        )
        builder.report.add("emergency event")
