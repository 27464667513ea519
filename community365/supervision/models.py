"""党建责任制: the organisation department's follow-up of lagging communities and the year-end
assessment.

- ``SpecialTalk`` (专项约谈) with a community's secretary, started from a benchmarking period and
  score; its ``Commitment`` rows are tracked like talk tasks (deadline, done with evidence,
  flagged overdue by the daily sweep).
- ``Analysis`` (专题分析): a written report whose figures are a frozen copy of benchmarking values.
- ``Notice`` (督查通报) to one or more communities (``NoticeRecipient``) with items to rectify
  (``NoticeItem``); each community answers each item (``NoticeReply``), accepted or returned;
  a returned reply is answered again by a new attempt.
- ``Assessment`` (量化考评) of a year: review weight, grade bands, trimming rule; reviewers score
  each secretary's report (``ReportReview``, 述职评议); ``AssessmentResult`` rows are written when
  it is published and versioned when an ``Objection`` changes one.

Every table carries ``district`` (first in every unique rule) and a ``region`` (the community, or
the place a notice or assessment was issued from) for scope."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Region


class SpecialTalk(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("约谈对象（社区书记）"),
    )
    secretary_name = models.CharField(_("约谈对象姓名"), max_length=60)
    held_on = models.DateField(_("约谈日期"))
    points = models.TextField(_("指出的问题"), max_length=2000)
    # the benchmarking period and score that prompted the talk (copied: they stay as they were)
    period = models.CharField(_("依据期间"), max_length=10, blank=True)
    score = models.DecimalField(_("依据得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("依据名次"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_label = models.CharField(_("发起人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专项约谈")
        verbose_name_plural = _("专项约谈")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["district", "region", "held_on"], name="sup_talk_place")]

    def __str__(self) -> str:
        return f"{self.region} {self.held_on}"


class Commitment(models.Model):
    talk = models.ForeignKey(SpecialTalk, on_delete=models.CASCADE, related_name="commitments")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    text = models.CharField(_("承诺事项"), max_length=300)
    deadline = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    evidence = models.CharField(_("完成情况与佐证"), max_length=500, blank=True)
    evidence_file = models.FileField(_("佐证图片"), upload_to="supervision/%Y/%m", blank=True)
    overdue_at = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("约谈承诺")
        verbose_name_plural = _("约谈承诺")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["district", "deadline", "done_at"], name="sup_commit_due")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.deadline < timezone.localdate()


class Analysis(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("范围"))
    title = models.CharField(_("标题"), max_length=100)
    topic = models.CharField(_("专题"), max_length=100)
    body = models.TextField(_("正文"), max_length=20000)
    period = models.CharField(_("数据期间"), max_length=10)
    # The figures as they were when the analysis was written:
    # {"period": "2025", "indicators": [{"code", "label", "unit"}], "rows": [{"community_id",
    #  "community", "total", "rank", "values": {code: "12.50" | null}}]}
    figures = models.JSONField(_("附表数据"), default=dict)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_by_label = models.CharField(_("撰写人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("专题分析")
        verbose_name_plural = _("专题分析")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "created_at"], name="sup_analysis_at")]

    def __str__(self) -> str:
        return self.title


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已办结")


class Notice(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # where it was issued from: the district, or a subdistrict for its own communities
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文单位"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("通报内容"), max_length=5000)
    status = models.CharField(
        _("状态"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_label = models.CharField(_("发文人"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("发文时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督查通报")
        verbose_name_plural = _("督查通报")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["district", "status", "issued_at"], name="sup_notice_status")]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))

    class Meta:
        verbose_name = _("通报对象")
        verbose_name_plural = _("通报对象")
        constraints = [
            models.UniqueConstraint(fields=["district", "notice", "region"], name="sup_recipient_once")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.region_id}"


class NoticeItem(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("整改事项"), max_length=300)
    deadline = models.DateField(_("整改期限"))

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "notice", "number"], name="sup_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class ReplyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已认可")
    RETURNED = "returned", _("退回")


LIVE_REPLY = [ReplyStatus.SUBMITTED, ReplyStatus.ACCEPTED]


class NoticeReply(models.Model):
    """One community's answer to one item. A returned reply stays as it was; the community answers
    again with a new attempt. At most one live (submitted or accepted) reply per item and
    community, by a partial unique index."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="replies")
    item = models.ForeignKey(NoticeItem, on_delete=models.CASCADE, related_name="replies")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    attempt = models.PositiveSmallIntegerField(_("第几次答复"), default=1)
    text = models.TextField(_("整改情况"), max_length=2000)
    link = models.URLField(_("佐证链接"), max_length=200, blank=True)
    evidence = models.FileField(_("佐证图片"), upload_to="supervision/%Y/%m", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.SUBMITTED
    )
    reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(_("答复人"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("答复时间"), default=timezone.now)
    decided_by_label = models.CharField(_("审核人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改答复")
        verbose_name_plural = _("整改答复")
        ordering = ["item__number", "region_id", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "item", "region", "attempt"], name="sup_reply_attempt_once"
            ),
            models.UniqueConstraint(
                fields=["district", "item", "region"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="sup_reply_one_live",
            ),
        ]
        indexes = [models.Index(fields=["district", "status", "submitted_at"], name="sup_reply_status")]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.region_id} #{self.attempt}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("评议中")
    PUBLISHED = "published", _("已公布")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Assessment(models.Model):
    """A year's 量化考评. total = score × (1 − weight) + review mean × weight, where the review
    mean drops the single highest and lowest score once a community has ``trim_from`` reviews or
    more. Grades: total ≥ excellent_min 优秀, ≥ good_min 良好, ≥ fair_min 一般, else 较差."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    review_weight = models.DecimalField(_("述职评议权重"), max_digits=3, decimal_places=2, default=0.3)
    excellent_min = models.DecimalField(_("优秀分数线"), max_digits=5, decimal_places=2, default=85)
    good_min = models.DecimalField(_("良好分数线"), max_digits=5, decimal_places=2, default=75)
    fair_min = models.DecimalField(_("一般分数线"), max_digits=5, decimal_places=2, default=60)
    min_reviews = models.PositiveSmallIntegerField(_("每个社区至少评议人数"), default=5)
    trim_from = models.PositiveSmallIntegerField(_("去掉最高最低分的起点人数"), default=5)
    objection_days = models.PositiveSmallIntegerField(_("异议期（天）"), default=7)
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("量化考评")
        verbose_name_plural = _("量化考评")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="sup_assessment_year")]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def objection_deadline(self) -> datetime.date | None:
        if self.published_at is None:
            return None
        return timezone.localdate(self.published_at) + datetime.timedelta(days=self.objection_days)


class ReportReview(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer_label = models.CharField(_("评议人"), max_length=150)
    score = models.DecimalField(_("评议得分"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    at = models.DateTimeField(_("评议时间"), default=timezone.now)

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        ordering = ["region_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "assessment", "region", "reviewer"], name="sup_review_once"
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="sup_review_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.score}"


class AssessmentResult(models.Model):
    """A community's result; an upheld objection writes a new version and the old one stays
    (``current`` false), so a change is never silent."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    current = models.BooleanField(_("现行"), default=True)
    score = models.DecimalField(_("对标年度得分"), max_digits=6, decimal_places=2)
    review_count = models.PositiveSmallIntegerField(_("评议人数"))
    review_mean = models.DecimalField(_("评议得分"), max_digits=6, decimal_places=2)
    total = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices)
    rank = models.PositiveIntegerField(_("名次"))
    objection = models.ForeignKey(
        "Objection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("异议"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("考评结果")
        verbose_name_plural = _("考评结果")
        ordering = ["rank", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "assessment", "region", "version"], name="sup_result_version"
            ),
            models.UniqueConstraint(
                fields=["district", "assessment", "region"],
                condition=Q(current=True),
                name="sup_result_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} v{self.version}: {self.total}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("维持原结果")


class Objection(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    text = models.TextField(_("异议内容"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(_("提出人"), max_length=150, blank=True)
    at = models.DateTimeField(_("提出时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decision_reason = models.CharField(_("处理理由"), max_length=500, blank=True)
    decided_by_label = models.CharField(_("处理人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考评异议")
        verbose_name_plural = _("考评异议")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "assessment", "region"],
                condition=Q(status="open"),
                name="sup_objection_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} · {self.region_id}"
