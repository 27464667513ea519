"""Two-way talks (双向约谈): a topic residents co-sign, the talk with the invited leader, the
tasks departments claim and carry out, and the residents' rating of the outcome.

A topic's lifecycle is the state machine in ``TRANSITIONS``; services apply each step as a
conditional UPDATE on ``status`` so that two concurrent requests cannot both pass it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from community365.people.models import Person
from community365.regions.models import Department, Region


class TopicStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNING = "signing", _("联署中")
    SUBMITTED = "submitted", _("已报送")
    ACCEPTED = "accepted", _("已受理")
    SCHEDULED = "scheduled", _("已约定约谈")
    ANSWERING = "answering", _("答题解难中")
    CLOSED = "closed", _("已办结")
    DECLINED = "declined", _("未受理")
    MERGED = "merged", _("已合并")
    EXPIRED = "expired", _("联署过期")


# step → (states it may start from, state it leads to). The one table of the lifecycle.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "open": (frozenset({TopicStatus.DRAFT}), TopicStatus.SIGNING),
    "expire": (frozenset({TopicStatus.SIGNING}), TopicStatus.EXPIRED),
    "submit": (frozenset({TopicStatus.SIGNING}), TopicStatus.SUBMITTED),
    "accept": (frozenset({TopicStatus.SUBMITTED}), TopicStatus.ACCEPTED),
    "decline": (frozenset({TopicStatus.SUBMITTED}), TopicStatus.DECLINED),
    "merge": (frozenset({TopicStatus.SUBMITTED, TopicStatus.ACCEPTED}), TopicStatus.MERGED),
    "schedule": (frozenset({TopicStatus.ACCEPTED, TopicStatus.SCHEDULED}), TopicStatus.SCHEDULED),
    "record_talk": (frozenset({TopicStatus.SCHEDULED}), TopicStatus.ANSWERING),
    "close": (frozenset({TopicStatus.ANSWERING}), TopicStatus.CLOSED),
}

# Seen by everyone in the district once the community has forwarded the topic; before that
# only inside the community (and the draft only by its author).
PUBLIC_STATUSES = frozenset(
    {
        TopicStatus.SUBMITTED,
        TopicStatus.ACCEPTED,
        TopicStatus.SCHEDULED,
        TopicStatus.ANSWERING,
        TopicStatus.CLOSED,
        TopicStatus.DECLINED,
        TopicStatus.MERGED,
    }
)
# Accepted and afterwards (the topics the district took on).
ACCEPTED_STATUSES = frozenset(
    {TopicStatus.ACCEPTED, TopicStatus.SCHEDULED, TopicStatus.ANSWERING, TopicStatus.CLOSED}
)


class InviteeKind(models.TextChoices):
    LEADER = "leader", _("区领导")
    DEPARTMENT = "department", _("职能部门负责人")
    UNDECIDED = "undecided", _("由区委组织部安排")


class TalkRules(models.Model):
    """The district's numbers for talks; a district without a row uses the defaults."""

    district = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="talk_rules", verbose_name=_("所属区")
    )
    signature_threshold = models.PositiveSmallIntegerField(_("联署人数门槛"), default=10)
    signature_window_days = models.PositiveSmallIntegerField(_("联署期限（天）"), default=30)
    claim_working_days = models.PositiveSmallIntegerField(_("认领期限（工作日）"), default=5)
    rating_window_days = models.PositiveSmallIntegerField(_("评价期限（天）"), default=30)

    class Meta:
        verbose_name = _("约谈规则")
        verbose_name_plural = _("约谈规则")

    def __str__(self) -> str:
        return f"{self.district} · {self.signature_threshold}"

    @property
    def region(self) -> Region:
        return self.district


class TalkTopic(models.Model):
    """A topic raised by residents (群众点题) for a leader or department head to answer."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # The community or cooperative the topic is raised through.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="talk_topics", verbose_name=_("社区")
    )
    author_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起居民")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起账号"),
    )
    title = models.CharField(_("题目"), max_length=80)
    description = models.TextField(_("问题"), max_length=2000)
    request = models.TextField(_("诉求"), max_length=1000)
    invitee_kind = models.CharField(
        _("邀请对象"), max_length=20, choices=InviteeKind.choices, default=InviteeKind.UNDECIDED
    )
    invited_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("约谈领导"),
    )
    invited_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("邀请部门"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.DRAFT, db_index=True
    )
    # Co-signers only: the author's own support is not counted (see docs/talks.md).
    signature_count = models.PositiveIntegerField(_("联署人数"), default=0)
    signature_threshold = models.PositiveSmallIntegerField(_("联署门槛"), default=10)
    created_at = models.DateTimeField(_("创建时间"))
    opened_at = models.DateTimeField(_("开始联署"), null=True, blank=True)
    signing_deadline = models.DateTimeField(_("联署截止"), null=True, blank=True)
    locked_at = models.DateTimeField(_("内容锁定"), null=True, blank=True)
    threshold_reached_at = models.DateTimeField(_("达到门槛"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submit_comment = models.TextField(_("社区意见"), blank=True, max_length=1000)
    decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decline_reason = models.TextField(_("不予受理理由"), blank=True, max_length=1000)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    talk_at = models.DateTimeField(_("约谈时间"), null=True, blank=True)
    talk_place = models.CharField(_("约谈地点"), max_length=120, blank=True)
    present_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("到场部门")
    )
    talked_at = models.DateTimeField(_("约谈举行"), null=True, blank=True)
    minutes = models.TextField(_("约谈纪要"), blank=True, max_length=5000)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    expired_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("约谈点题")
        verbose_name_plural = _("约谈点题")
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reached_threshold(self) -> bool:
        return self.signature_count >= self.signature_threshold


class SignatureKind(models.TextChoices):
    ONLINE = "online", _("网上联署")
    PAPER = "paper", _("纸质联署")
    CARRIED = "carried", _("合并转入")


class TalkSignature(models.Model):
    """One resident's co-signature. Withdrawn rows are kept; at most one active per resident."""

    topic = models.ForeignKey(TalkTopic, on_delete=models.PROTECT, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    kind = models.CharField(_("方式"), max_length=10, choices=SignatureKind.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    signed_at = models.DateTimeField(_("联署时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联署")
        verbose_name_plural = _("联署")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "person"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="talk_signature_one_per_resident",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.person_id}"


class TalkEvent(models.Model):
    """The public timeline of a topic: every step, addendum and progress update.

    Stored as a phrase code with parameters (``talks/phrases.py``) and rendered in the reader's
    language; who acted is a name (``actor_label``: a resident's masked name, a department, a
    leader) or, for the system and the organisation department, a role (``actor_role``)."""

    topic = models.ForeignKey(TalkTopic, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类别"), max_length=30)
    actor_role = models.CharField(_("经办角色"), max_length=20, blank=True)
    actor_label = models.CharField(_("经办"), max_length=120, blank=True)
    code = models.CharField(_("事件"), max_length=60, default="talks.event.text")
    params = models.JSONField(_("参数"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("约谈记录")
        verbose_name_plural = _("约谈记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.kind}"

    @property
    def sentence(self) -> str:
        """The event in the reader's language."""
        from community365.core.phrases import render

        return render(self.code, self.params)

    @property
    def actor(self) -> str:
        """Who acted, in the reader's language."""
        if self.actor_label:
            return self.actor_label
        if self.actor_role:
            from community365.core.phrases import render

            return render(f"talks.actor.{self.actor_role}")
        return ""


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    STARTED = "started", _("已启动")
    ADVANCING = "advancing", _("推进中")
    DONE = "done", _("已完成")


class TalkTask(models.Model):
    """A commitment made at the talk (答题解难), carried out by one department."""

    topic = models.ForeignKey(TalkTopic, on_delete=models.PROTECT, related_name="tasks")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    title = models.CharField(_("任务"), max_length=200)
    deadline = models.DateField(_("完成期限"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    lead_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("牵头部门"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="talk_tasks",
        verbose_name=_("承办部门"),
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    assigned = models.BooleanField(_("由领导指派"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    created_at = models.DateTimeField(_("创建时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("约谈任务")
        verbose_name_plural = _("约谈任务")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def region(self) -> Region:
        return self.topic.region


class TalkProgress(models.Model):
    task = models.ForeignKey(TalkTask, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices)
    percent = models.PositiveSmallIntegerField(_("进度（%）"))
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    # Why the percent went down (required then; see ``services.task_progress``).
    reason = models.TextField(_("下调理由"), blank=True, max_length=1000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.status} {self.percent}%"


class TalkRating(models.Model):
    """A co-signer's rating of the outcome (1–5), public as the topic's satisfaction."""

    topic = models.ForeignKey(TalkTopic, on_delete=models.PROTECT, related_name="ratings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)
    on_paper = models.BooleanField(_("纸质评价"), default=False)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.UniqueConstraint(fields=["topic", "person"], name="talk_rating_one_per_resident"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="talk_rating_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.score}"
