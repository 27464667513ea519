"""Cases that need care: 老娘舅 mediation (``MediationCase`` and what belongs to it) and the legal
clinic (``LegalClinic``, ``ClinicSession``, ``ClinicBooking``, ``Consultation``).

Parties, sessions and agreements are confidential (see ``policies.py``); ``services.py`` is the
only writer. ID-card numbers are kept as the people app keeps them: a keyed hash and the last
four characters, never the number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core.masking import mask_name, mask_phone
from community365.people.models import Person
from community365.regions.models import Region

USER = settings.AUTH_USER_MODEL


class DisputeKind(models.TextChoices):
    NEIGHBOURS = "neighbours", _("邻里纠纷")
    FAMILY = "family", _("家庭婚姻纠纷")
    PROPERTY_MANAGEMENT = "property", _("物业纠纷")
    HOUSING = "housing", _("房屋拆迁纠纷")
    LABOUR = "labour", _("劳务纠纷")
    OTHER = "other", _("其他纠纷")


class CaseSource(models.TextChoices):
    PARTY_ASKED = "party", _("当事人申请")
    SOCIAL_WORKER = "social_worker", _("社工转介")
    SERVICE_REQUEST = "service_request", _("服务诉求升级")
    POLICE = "police", _("公安移交")
    COURT = "court", _("法院委托")
    CLINIC = "clinic", _("法律工作室转介")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("调解中")
    AGREED = "agreed", _("已达成协议，待回访")
    CLOSED = "closed", _("已结案")


class Outcome(models.TextChoices):
    AGREED = "agreed", _("调解成功")
    NOT_REACHED = "not_reached", _("调解不成")


class ReferralTo(models.TextChoices):
    COURT = "court", _("引导诉讼（法院）")
    POLICE = "police", _("移交公安")
    DEPARTMENT = "department", _("移交职能部门")
    LEGAL_AID = "legal_aid", _("申请法律援助")


class MediationCase(models.Model):
    """One dispute, from registration to the follow-up visit. The time limit is 30 days from
    acceptance, extendable once (the extension is recorded)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="mediation_cases", verbose_name=_("社区")
    )
    number = models.CharField(_("案号"), max_length=30)
    kind = models.CharField(_("纠纷类型"), max_length=12, choices=DisputeKind.choices)
    source = models.CharField(_("案件来源"), max_length=16, choices=CaseSource.choices)
    place = models.CharField(_("纠纷发生地"), max_length=120, blank=True)
    summary = models.TextField(_("纠纷简要情况"), max_length=1000)
    status = models.CharField(
        _("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REGISTERED, db_index=True
    )
    mediator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("调解员")
    )
    co_mediator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("协助调解员")
    )
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    deadline = models.DateField(_("调解期限"), null=True, blank=True)
    extended_at = models.DateTimeField(_("延期时间"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    outcome = models.CharField(_("调解结果"), max_length=12, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    referral_to = models.CharField(_("转至"), max_length=12, choices=ReferralTo.choices, blank=True)
    referral_note = models.CharField(_("转介说明"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("回访日期"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    kept = models.BooleanField(_("协议是否履行"), null=True, blank=True)
    follow_up_note = models.CharField(_("回访情况"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解案件")
        verbose_name_plural = _("调解案件")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["mediator", "status"]),
            models.Index(fields=["co_mediator", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "number"], name="mediation_case_unique_number"),
            models.CheckConstraint(
                condition=Q(status="registered") | Q(mediator__isnull=False),
                name="mediation_accepted_has_mediator",
            ),
            models.CheckConstraint(
                condition=~Q(mediator=models.F("co_mediator")) | Q(co_mediator__isnull=True),
                name="mediation_two_different_mediators",
            ),
        ]

    def __str__(self) -> str:
        # Audit trails and admin lists show the number only: the parties stay out of them.
        return self.number

    @property
    def days_taken(self) -> int | None:
        if self.accepted_at is None or self.decided_at is None:
            return None
        return (self.decided_at - self.accepted_at).days

    def is_mediator(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.mediator_id, self.co_mediator_id)


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class MediationParty(models.Model):
    """A party: a resident on record (``person``) or an outsider with the least data needed."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    case = models.ForeignKey(
        MediationCase, on_delete=models.PROTECT, related_name="parties", verbose_name=_("案件")
    )
    side = models.CharField(_("身份"), max_length=10, choices=PartySide.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民档案")
    )
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=120, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_last4 = models.CharField(_("证件号后四位"), max_length=4, blank=True, editable=False)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "side", "id"]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class MediationSession(models.Model):
    """One sitting of the mediation: recorded privately by the case's mediators."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    case = models.ForeignKey(
        MediationCase, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("案件")
    )
    held_at = models.DateTimeField(_("调解时间"))
    attended = models.CharField(_("参加人员"), max_length=200)
    notes = models.TextField(_("调解记录"), max_length=2000)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["case", "held_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.held_at:%Y-%m-%d}"


class MediationAgreement(models.Model):
    """人民调解协议书: made from the case as a PDF, signed on paper, the scan attached."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    case = models.OneToOneField(
        MediationCase, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("案件")
    )
    facts = models.TextField(_("纠纷主要事实与争议事项"), max_length=2000)
    terms = models.TextField(_("达成协议的内容"), max_length=2000)
    performance = models.CharField(_("履行方式与时限"), max_length=300)
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("调解员"))
    made_at = models.DateTimeField(_("协议日期"))
    scan = models.FileField(_("签字盖章扫描件"), upload_to="cases/agreements/%Y/%m", blank=True)
    scan_uploaded_at = models.DateTimeField(_("扫描件上传时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调解协议书")
        verbose_name_plural = _("调解协议书")

    def __str__(self) -> str:
        return self.case.number


# === the legal clinic (法律工作室) ===============================================================


class LegalClinic(models.Model):
    """A community's clinic: the day of the month it sits, the hours, the lawyers' team it draws
    its lawyers from."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="legal_clinics", verbose_name=_("社区")
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("律师服务团")
    )
    day_of_month = models.PositiveSmallIntegerField(_("每月坐诊日"), default=8)
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    slot_minutes = models.PositiveSmallIntegerField(_("每个预约时段（分钟）"), default=30)
    place = models.CharField(_("地点"), max_length=120)

    class Meta:
        verbose_name = _("法律工作室")
        verbose_name_plural = _("法律工作室")
        constraints = [
            models.UniqueConstraint(fields=["district", "region"], name="legal_clinic_one_per_community"),
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="clinic_ends_after_start"),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=28), name="clinic_day_in_every_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}法律工作室"


class ClinicRota(models.Model):
    """The lawyer on duty for one month of one clinic, taken from the lawyers' team."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    clinic = models.ForeignKey(
        LegalClinic, on_delete=models.PROTECT, related_name="rota", verbose_name=_("法律工作室")
    )
    month = models.DateField(_("月份"))
    lawyer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("值班律师"))

    class Meta:
        verbose_name = _("律师排班")
        verbose_name_plural = _("律师排班")
        constraints = [
            models.UniqueConstraint(fields=["district", "clinic", "month"], name="clinic_rota_one_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.clinic} · {self.month:%Y-%m}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("待坐诊")
    HELD = "held", _("已坐诊")
    CANCELLED = "cancelled", _("已取消")


class ClinicSession(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    clinic = models.ForeignKey(
        LegalClinic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("法律工作室")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120)
    lawyer = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("坐诊律师")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    moved_at = models.DateTimeField(_("改期时间"), null=True, blank=True)
    move_reason = models.CharField(_("改期原因"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("提醒发送时间"), null=True, blank=True)
    hours_activity = models.ForeignKey(
        "teams.Activity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("志愿服务记录所在活动"),
    )

    class Meta:
        verbose_name = _("坐诊")
        verbose_name_plural = _("坐诊")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["clinic", "starts_at"]), models.Index(fields=["lawyer", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="clinic_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.clinic} · {local:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 1)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已咨询")
    NO_SHOW = "no_show", _("未到")


LIVE_BOOKING = ("booked", "attended", "no_show")


class ClinicBooking(models.Model):
    """A resident's slot (or a walk-in added at the desk). A slot is held by one live booking:
    a partial unique index decides, so two phones asking at once cannot both get it."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    session = models.ForeignKey(
        ClinicSession, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("坐诊")
    )
    slot = models.PositiveSmallIntegerField(_("时段序号"))
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民")
    )
    name = models.CharField(_("姓名"), max_length=60)
    walk_in = models.BooleanField(_("现场登记"), default=False)
    note = models.CharField(_("咨询问题（仅律师可见）"), max_length=300, blank=True)
    # Empty when the system entered it (the demo, an import).
    booked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("预约人")
    )
    booked_at = models.DateTimeField(_("预约时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["session", "slot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "session", "slot"],
                condition=Q(status__in=LIVE_BOOKING) & Q(walk_in=False),
                name="clinic_slot_booked_once",
            ),
            models.UniqueConstraint(
                fields=["district", "session", "person"],
                condition=Q(status="booked") & Q(person__isnull=False),
                name="clinic_one_booking_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.slot}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class ConsultationCategory(models.TextChoices):
    FAMILY = "family", _("婚姻家庭继承")
    HOUSING = "housing", _("房产物业")
    LABOUR = "labour", _("劳动社保")
    CONTRACT = "contract", _("合同债务")
    NEIGHBOURS = "neighbours", _("邻里侵权")
    CONSUMER = "consumer", _("消费维权")
    OTHER = "other", _("其他")


class ConsultationReferral(models.TextChoices):
    NONE = "", _("无需转介")
    MEDIATION = "mediation", _("转人民调解")
    LEGAL_AID = "legal_aid", _("转法律援助")
    DEPARTMENT = "department", _("转职能部门")


class Consultation(models.Model):
    """The lawyer's record of one consultation: seen by the lawyer, the community secretary and
    the resident."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    booking = models.OneToOneField(
        ClinicBooking, on_delete=models.PROTECT, related_name="consultation", verbose_name=_("预约")
    )
    lawyer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("律师"))
    category = models.CharField(_("咨询类别"), max_length=12, choices=ConsultationCategory.choices)
    advice = models.TextField(_("解答意见摘要"), max_length=1000)
    referral = models.CharField(
        _("转介"), max_length=12, choices=ConsultationReferral.choices, blank=True, default=""
    )
    referral_note = models.CharField(_("转介说明"), max_length=200, blank=True)
    mediation_case = models.ForeignKey(
        MediationCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("调解案件"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("咨询记录")
        verbose_name_plural = _("咨询记录")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.booking.session} · {self.get_category_display()}"


class DepartmentReferral(models.Model):
    """A task in the departments' one inbox (beside the talks' tasks): a consultation referred to
    a department or to legal aid (区司法局), or a mediation not reached and referred there. The
    department's liaison sees it and marks it handled. It carries no party's details: the
    department learns who from the community."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    department = models.ForeignKey(
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("职能部门")
    )
    consultation = models.OneToOneField(
        Consultation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("咨询记录"),
    )
    mediation_case = models.OneToOneField(
        MediationCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("调解案件"),
    )
    note = models.CharField(_("转介说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("转来时间"), default=timezone.now)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人")
    )

    class Meta:
        verbose_name = _("转职能部门事项")
        verbose_name_plural = _("转职能部门事项")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["department", "handled_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation__isnull=True, mediation_case__isnull=False)
                | Q(consultation__isnull=False, mediation_case__isnull=True),
                name="cases_referral_one_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.region}"
