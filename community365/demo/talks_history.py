"""The demo district's history of two-way talks: about 190 topics from the 78 communities over
the past two years — most carried out and rated, some in progress (a few overdue, a few tasks
nobody claimed), a few declined, merged or expired, a few collecting signatures now.

Everything goes through the talks services as the system actor with ``at`` set in the past.
Historic signatures and ratings are entered as paper sheets (one service call per sheet), as
the communities did in 2016; that keeps the seed to a few seconds."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from community365.core.roles import Role
from community365.people.models import Person, User
from community365.regions.models import Department, Region, RegionKind
from community365.talks import services as talks
from community365.talks.models import InviteeKind, TalkTask, TalkTopic

from . import data, talks_data

if TYPE_CHECKING:
    from .generator import DemoBuilder

DAY = datetime.timedelta(days=1)
# Residents rate a talk's outcome 1–5 (满意 is 4); each rating is drawn from this list.
RATINGS = [5, 5, 5, 4, 4, 4, 3, 2]
# The model community carries out what its talks promise: its residents rate them 满意 (4) or
# 非常满意 (5). The list is as long as RATINGS, so each draw takes the same randomness and every
# other community's history stays as it was.
MODEL_RATINGS = [5, 5, 5, 5, 4, 4, 4, 4]


class TalkHistory:
    def __init__(self, builder: DemoBuilder, district: Region) -> None:
        from .generator import SYSTEM

        self.system = SYSTEM
        self.builder = builder
        self.district = district
        self.rng = random.Random(2016)
        self.now = timezone.now()
        self.departments = {d.code: d for d in Department.objects.filter(district=district)}
        self.leaders: list[User] = []
        self.verified: dict[int, list[Person]] = {}
        self.template_index = 0

    # --- helpers ---------------------------------------------------------------------------------
    def ago(self, days: int) -> datetime.datetime:
        """A moment ``days`` ago during office hours (local time)."""
        moment = timezone.localtime(self.now - days * DAY)
        return moment.replace(
            hour=self.rng.randint(9, 16), minute=self.rng.choice((0, 15, 30, 45)), second=0, microsecond=0
        )

    def build_leaders(self) -> None:
        for username, name in talks_data.LEADERS:
            user = self.builder.user(username, name, can_login=username == "leader_demo")
            self.builder.grant(user, Role.DISTRICT_LEADER, self.district)
            self.leaders.append(user)

    def residents(self, community: Region) -> list[Person]:
        if community.pk not in self.verified:
            self.verified[community.pk] = list(
                Person.objects.filter(community=community, verified_at__isnull=False)
                .select_related("community")
                .order_by("id")
            )
        return self.verified[community.pk]

    def template(self) -> tuple[str, str, str, str, list[tuple[str, int]]]:
        entry = talks_data.TOPICS[self.template_index % len(talks_data.TOPICS)]
        self.template_index += 1
        return entry

    def raise_topic(
        self, community: Region, opened: datetime.datetime
    ) -> tuple[TalkTopic, list[Person], str]:
        title, problem, request, lead, _commitments = self.template()
        pool = self.residents(community)
        author = self.rng.choice(pool)
        kind = self.rng.choice(
            [InviteeKind.LEADER, InviteeKind.LEADER, InviteeKind.DEPARTMENT, InviteeKind.UNDECIDED]
        )
        topic = talks.topic_raise(
            actor=self.system,
            title=title,
            description=problem,
            request=request,
            invitee_kind=kind,
            invited_leader=self.rng.choice(self.leaders) if kind == InviteeKind.LEADER else None,
            invited_department=self.departments[lead] if kind == InviteeKind.DEPARTMENT else None,
            person=author,
            at=opened - DAY,
        )
        talks.topic_open(actor=self.system, topic=topic, at=opened)
        others = [p for p in pool if p.pk != author.pk]
        return topic, others, lead

    def sign(self, topic: TalkTopic, others: list[Person], n: int, at: datetime.datetime) -> list[Person]:
        signers = self.rng.sample(others, min(n, len(others)))
        if signers:
            talks.topic_sign_on_paper(actor=self.system, topic=topic, persons=signers, at=at)
        return signers

    def to_accepted(
        self, community: Region, opened: datetime.datetime
    ) -> tuple[TalkTopic, list[Person], str, datetime.datetime]:
        topic, others, lead = self.raise_topic(community, opened)
        threshold = topic.signature_threshold
        signers = self.sign(
            topic, others, threshold + self.rng.randint(0, 8), opened + self.rng.randint(2, 20) * DAY
        )
        submitted = opened + self.rng.randint(21, 28) * DAY
        talks.topic_submit(actor=self.system, topic=topic, comment="社区党组织同意报送。", at=submitted)
        accepted = submitted + self.rng.randint(2, 8) * DAY
        talks.topic_accept(actor=self.system, topic=topic, at=accepted)
        return topic, signers, lead, accepted

    def schedule_and_talk(
        self, topic: TalkTopic, lead: str, after: datetime.datetime, *, hold: bool = True
    ) -> tuple[list[TalkTask], datetime.datetime]:
        scheduled = after + self.rng.randint(1, 4) * DAY
        talk_at = (scheduled + self.rng.randint(6, 15) * DAY).replace(
            hour=9, minute=30, second=0, microsecond=0
        )
        leader = topic.invited_leader or self.rng.choice(self.leaders)
        present = [self.departments[lead], *self.rng.sample(list(self.departments.values()), 1)]
        talks.topic_schedule(
            actor=self.system,
            topic=topic,
            talk_at=talk_at,
            place=topic.region.name + self.rng.choice(talks_data.PLACES)
            if self.rng.random() < 0.5
            else self.rng.choice(talks_data.PLACES),
            leader=leader,
            departments=present,
            at=scheduled,
        )
        if not hold:
            return [], talk_at
        _t, _p, _r, _l, commitments = talks_data.TOPICS[(self.template_index - 1) % len(talks_data.TOPICS)]
        tasks = talks.topic_record_talk(
            actor=self.system,
            topic=topic,
            minutes=f"{leader}与居民代表、{'、'.join(d.name for d in present)}面对面交流，"
            f"逐条回应诉求，形成 {len(commitments)} 项承诺，明确时间表和路线图。",
            commitments=[
                talks.Commitment(
                    title=title,
                    deadline=(talk_at + days * DAY).date(),
                    lead_department=self.departments[lead] if i == 0 else self.rng.choice(present),
                    weight=2 if i == len(commitments) - 1 and days >= 60 else 1,
                )
                for i, (title, days) in enumerate(commitments)
            ],
            at=talk_at + datetime.timedelta(hours=2),
        )
        return tasks, talk_at

    def claim(self, task: TalkTask, at: datetime.datetime) -> None:
        talks.task_claim(actor=self.system, task=task, department=task.lead_department, at=at)

    def rate(self, topic: TalkTopic, signers: list[Person], _last: datetime.datetime) -> None:
        topic.refresh_from_db()
        assert topic.closed_at is not None, topic.status
        closed = topic.closed_at
        raters = self.rng.sample(signers, self.rng.randint(2, min(6, len(signers))))
        scale = MODEL_RATINGS if topic.region.name == data.MODEL_COMMUNITY else RATINGS
        sheet = [(p, self.rng.choice(scale), self.rng.choice(talks_data.COMMENTS)) for p in raters]
        talks.topic_rate_on_paper(
            actor=self.system, topic=topic, ratings=sheet, at=closed + self.rng.randint(1, 20) * DAY
        )

    # --- the kinds of history --------------------------------------------------------------------
    def closed(self, community: Region) -> TalkTopic:
        opened = self.ago(self.rng.randint(260, 720))
        topic, signers, lead, accepted = self.to_accepted(community, opened)
        tasks, talk_at = self.schedule_and_talk(topic, lead, accepted)
        finish = []
        for task in tasks:
            claimed = talk_at + self.rng.randint(1, 4) * DAY
            self.claim(task, claimed)
            late = self.rng.random() < 0.08
            done = (
                datetime.datetime.combine(task.deadline, datetime.time(16, 0), tzinfo=claimed.tzinfo)
                + (self.rng.randint(3, 20) if late else -self.rng.randint(0, 10)) * DAY
            )
            finish.append((max(done, claimed + 2 * DAY), task))
        finish.sort(key=lambda pair: pair[0])
        for done, task in finish:
            talks.task_progress(
                actor=self.system, task=task, status="done", note="已完成，请居民监督。", at=done
            )
        last = finish[-1][0] if finish else talk_at
        self.rate(topic, signers, last)
        return topic

    def answering(self, community: Region, *, overdue: bool, unclaimed: bool) -> TalkTopic:
        opened = self.ago(self.rng.randint(70, 120))
        topic, _signers, lead, accepted = self.to_accepted(community, opened)
        tasks, talk_at = self.schedule_and_talk(topic, lead, accepted)
        for i, task in enumerate(tasks):
            if unclaimed and i == len(tasks) - 1:
                continue
            claimed = talk_at + self.rng.randint(1, 4) * DAY
            self.claim(task, claimed)
            if i == 0 and not overdue:
                talks.task_progress(
                    actor=self.system, task=task, status="done", note="已完成。", at=claimed + 10 * DAY
                )
            else:
                status = self.rng.choice(["started", "advancing"])
                talks.task_progress(
                    actor=self.system, task=task, status=status, note="正在推进。", at=claimed + 5 * DAY
                )
        return topic

    def expired(self, community: Region) -> TalkTopic:
        opened = self.ago(self.rng.randint(60, 600))
        topic, others, _lead = self.raise_topic(community, opened)
        self.sign(topic, others, self.rng.randint(2, max(2, min(8, len(others)))), opened + 5 * DAY)
        assert topic.signing_deadline is not None
        talks.talks_sweep(actor=self.system, now=topic.signing_deadline + DAY)
        return topic

    def declined(self, community: Region) -> TalkTopic:
        opened = self.ago(self.rng.randint(60, 600))
        topic, others, _lead = self.raise_topic(community, opened)
        self.sign(topic, others, topic.signature_threshold + self.rng.randint(0, 4), opened + 6 * DAY)
        submitted = opened + 22 * DAY
        talks.topic_submit(actor=self.system, topic=topic, at=submitted)
        talks.topic_decline(
            actor=self.system,
            topic=topic,
            reason=self.rng.choice(
                [
                    "该事项属于小区业主大会自治范围，已转社区协调，不宜由区领导约谈。",
                    "该事项已列入市级统一改造计划，时间表已公布，将由社区转告居民。",
                    "该事项涉及司法程序，不属于约谈范围，社区法律工作室将提供咨询。",
                ]
            ),
            at=submitted + 5 * DAY,
        )
        return topic

    def merged_pair(self, community: Region, neighbour: Region) -> tuple[TalkTopic, TalkTopic]:
        """Two communities raise the same problem; the later one is merged into the first."""
        opened = self.ago(self.rng.randint(300, 600))
        first, signers, lead, accepted = self.to_accepted(community, opened)
        self.template_index -= 1  # the duplicate raises the same problem
        dup, others, _lead = self.raise_topic(neighbour, opened + 2 * DAY)
        self.sign(dup, others, dup.signature_threshold + 1, opened + 8 * DAY)
        talks.topic_submit(actor=self.system, topic=dup, at=opened + 24 * DAY)
        merge_at = max(accepted, opened + 24 * DAY) + DAY
        talks.topic_merge(actor=self.system, topic=dup, into=first, at=merge_at)
        tasks, talk_at = self.schedule_and_talk(first, lead, merge_at)
        last = talk_at
        for task in tasks:
            self.claim(task, talk_at + DAY)
            done = (
                datetime.datetime.combine(task.deadline, datetime.time(15, 0), tzinfo=talk_at.tzinfo)
                - 2 * DAY
            )
            talks.task_progress(actor=self.system, task=task, status="done", at=done)
            last = max(last, done)
        self.rate(first, signers, last)
        return first, dup

    def signing_now(self, community: Region, n: int) -> TalkTopic:
        opened = self.ago(self.rng.randint(2, 10))
        topic, others, _lead = self.raise_topic(community, opened)
        # Residents with a login are left free to sign it themselves.
        free = [p for p in others if p.user_id is None]
        self.sign(topic, free, n, opened + DAY)
        return topic

    def waiting(self, community: Region, stage: str) -> TalkTopic:
        opened = self.ago(self.rng.randint(35, 50))
        if stage == "submitted":
            topic, others, _lead = self.raise_topic(community, opened)
            self.sign(topic, others, topic.signature_threshold + 2, opened + 3 * DAY)
            talks.topic_submit(
                actor=self.system, topic=topic, comment="社区党组织同意报送。", at=opened + 20 * DAY
            )
            return topic
        topic, _signers, lead, accepted = self.to_accepted(community, opened)
        if stage == "scheduled":
            # the talk lies ahead: scheduled now for the coming weeks
            talk_at = timezone.localtime(self.now + self.rng.randint(5, 20) * DAY).replace(
                hour=14, minute=30, second=0, microsecond=0
            )
            talks.topic_schedule(
                actor=self.system,
                topic=topic,
                talk_at=talk_at,
                place=self.rng.choice(talks_data.PLACES),
                leader=topic.invited_leader or self.rng.choice(self.leaders),
                departments=[self.departments[lead]],
                at=accepted + DAY,
            )
        return topic

    # --- the plan ----------------------------------------------------------------------------------
    def build(self) -> None:
        if TalkTopic.objects.filter(district=self.district).exists():
            return
        self.build_leaders()
        communities = list(
            Region.objects.filter(path__startswith=self.district.path, kind=RegionKind.COMMUNITY).order_by(
                "path"
            )
        )
        cooperatives = list(
            Region.objects.filter(path__startswith=self.district.path, kind=RegionKind.COOPERATIVE).order_by(
                "path"
            )
        )
        by_name = {c.name: c for c in communities}
        huachuan, huangli = by_name["划船社区"], by_name["黄鹂社区"]
        # The cooperatives' few registered residents could not reach the threshold.
        for coop in cooperatives:
            if len(self.residents(coop)) >= 3:
                self.expired(coop)
        plan: list[str] = (
            ["expired"] * 6
            + ["declined"] * 7
            + ["answering_overdue"] * 5
            + ["answering_unclaimed"] * 3
            + ["answering"] * 7
            + ["submitted"] * 2
            + ["accepted"] * 2
            + ["scheduled"] * 2
        )
        slots = [c for c in communities for _ in range(2)] + self.rng.sample(communities, 32)
        self.rng.shuffle(slots)
        plan += ["closed"] * (len(slots) - len(plan) - 6)  # 3 merged pairs take 6 slots
        plan += ["merged"] * 6
        self.rng.shuffle(plan)
        plan.sort(key=lambda kind: kind != "expired")  # expiries first: their sweep runs in the past
        merged_partner: Region | None = None
        for kind, community in zip(plan, slots, strict=False):
            if len(self.residents(community)) < 12:
                kind = "expired"
            if kind == "closed":
                self.closed(community)
            elif kind == "answering":
                self.answering(community, overdue=False, unclaimed=False)
            elif kind == "answering_overdue":
                self.answering(community, overdue=True, unclaimed=False)
            elif kind == "answering_unclaimed":
                self.answering(community, overdue=False, unclaimed=True)
            elif kind == "expired":
                self.expired(community)
            elif kind == "declined":
                self.declined(community)
            elif kind in ("submitted", "accepted", "scheduled"):
                self.waiting(community, kind)
            elif kind == "merged":
                if merged_partner is None:
                    merged_partner = community
                else:
                    self.merged_pair(merged_partner, community)
                    merged_partner = None
        # Collecting signatures now, where the demo residents live.
        self.signing_now(huachuan, 7)
        self.signing_now(huangli, 4)
        talks.talks_sweep(actor=self.system)
        self.builder.report.add("talk_topic", TalkTopic.objects.filter(district=self.district).count())


def build_talk_history(builder: Any, district: Region) -> None:
    TalkHistory(builder, district).build()
