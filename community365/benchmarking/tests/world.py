"""A small hand-made district for the indicator and score tests: rows written straight to the
tables (the providers only read them), so that every expected value can be checked by hand."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from community365.regions.models import Region, RegionKind

_seq = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class World:
    def __init__(self, populations: list[int | None], *, model_first: bool = True) -> None:
        n = next(_seq)
        self.district = Region.objects.add_root(
            create_kwargs={"name": f"测试区{n}", "kind": RegionKind.DISTRICT, "code": f"T{n}"}
        )
        self.district.district = self.district
        self.district.save()
        self.sub = Region.objects.add_child(
            self.district,
            create_kwargs={
                "name": f"测试街道{n}",
                "kind": RegionKind.SUBDISTRICT,
                "code": f"T{n}-S",
                "district": self.district,
            },
        )
        self.communities = []
        for i, pop in enumerate(populations):
            self.sub.refresh_from_db(fields=["numchild", "path", "depth"])
            self.communities.append(
                Region.objects.add_child(
                    self.sub,
                    create_kwargs={
                        "name": f"测试社区{n}-{i}",
                        "kind": RegionKind.COMMUNITY,
                        "code": f"T{n}-C{i}",
                        "district": self.district,
                        "reported_population": pop,
                        "is_model": model_first and i == 0,
                    },
                )
            )
        self.ids = [c.pk for c in self.communities]
        self._people: dict[int, object] = {}
        self._users = itertools.count(1)
        self.tag = n

    # --- people ---------------------------------------------------------------------------------
    def person(self, community: Region):
        from community365.people.models import Person

        return Person.objects.create(
            district=self.district, region=community, community=community, name="居民"
        )

    def user(self):
        from community365.people.models import User

        return User.objects.create(username=f"t{self.tag}_u{next(self._users)}")

    # --- wishes ---------------------------------------------------------------------------------
    def wish(
        self, community: Region, *, published: datetime.datetime, claimed=None, confirmed=None, rating=None
    ):
        from community365.wishes.models import Wish

        status = "confirmed" if confirmed else ("published" if not claimed else "delivered")
        claimer = self.user() if status == "delivered" else None
        return Wish.objects.create(
            district=self.district,
            region=community,
            wisher=self.person(community),
            title="心愿",
            category="convenience",
            status=status,
            claimed_by=claimer,
            published_at=published,
            first_claimed_at=claimed,
            confirmed_at=confirmed,
            rating=rating,
        )

    # --- talks ----------------------------------------------------------------------------------
    def topic(self, community: Region):
        from community365.talks.models import TalkTopic

        return TalkTopic.objects.create(
            district=self.district,
            region=community,
            author_person=self.person(community),
            title="议题",
            description="问题",
            request="诉求",
            invitee_kind="leader",
            status="answering",
            created_at=timezone.now(),
        )

    def task(self, topic, *, deadline: datetime.date, done: datetime.datetime | None = None):
        from community365.talks.models import TalkTask

        return TalkTask.objects.create(
            topic=topic,
            district=self.district,
            title="任务",
            deadline=deadline,
            status="done" if done else "advancing",
            percent=100 if done else 50,
            created_at=timezone.now(),
            done_at=done,
        )

    def rating(self, topic, score: int, when: datetime.datetime):
        from community365.talks.models import TalkRating

        return TalkRating.objects.create(topic=topic, person=self.person(topic.region), score=score, at=when)

    # --- teams ----------------------------------------------------------------------------------
    def roster(self, community: Region, slots=("morning", "afternoon")):
        from community365.teams.models import DutyRoster

        roster = DutyRoster.objects.create(
            district=self.district, region=community, required_slots=list(slots)
        )
        DutyRoster.objects.filter(pk=roster.pk).update(created_at=at(datetime.date(2024, 1, 1)))
        return roster

    def shift(self, community: Region, day: datetime.date, slot: str, roster=None):
        from community365.teams.models import DutyRoster, Shift

        roster = roster or DutyRoster.objects.get(region=community)
        return Shift.objects.create(
            district=self.district, region=community, roster=roster, date=day, slot=slot, worker=self.user()
        )

    def worker(self, community: Region, *, revoked: datetime.datetime | None = None):
        from community365.people.models import RoleAssignment

        ra = RoleAssignment.objects.create(
            user=self.user(),
            role="social_worker",
            region=community,
            district=self.district,
            revoked_at=revoked,
        )
        RoleAssignment.objects.filter(pk=ra.pk).update(granted_at=at(datetime.date(2024, 1, 1)))
        return ra

    def party_member(self, community: Region, status: str, decided: datetime.datetime | None = None):
        from community365.teams.models import PartyMember

        pm = PartyMember.objects.create(
            district=self.district,
            region=community,
            user=self.user(),
            party_organisation="党支部",
            status=status,
            decided_at=decided,
        )
        PartyMember.objects.filter(pk=pm.pk).update(registered_at=at(datetime.date(2024, 1, 1)))
        return pm

    def hours(self, community: Region, hours: str, when: datetime.datetime, status: str = "verified"):
        from community365.teams.models import Activity, ServiceRecord, Team

        team, _ = Team.objects.get_or_create(
            district=self.district, region=community, name="队伍", defaults={"kind": "colour"}
        )
        activity = Activity.objects.create(
            district=self.district,
            region=community,
            team=team,
            title="活动",
            starts_at=when,
            ends_at=when + datetime.timedelta(hours=2),
            capacity=10,
            checkin_code="X",
            organiser=self.user(),
        )
        return ServiceRecord.objects.create(
            district=self.district,
            region=community,
            activity=activity,
            volunteer=self.user(),
            hours=Decimal(hours),
            status=status,
            entered_by=self.user(),
            entered_at=when,
        )
