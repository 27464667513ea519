"""The three linkages (三联): the social workers' duty rota (社工联勤), party members reporting
to their community (党员联动) and the volunteer alliance with its service hours (志愿联盟).

Every row carries ``district`` (shard key) and ``region`` (the place it belongs to, for scope)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Organisation, Region

USER = settings.AUTH_USER_MODEL


# --- 社工联勤: the duty rota ------------------------------------------------------------------


class Slot(models.TextChoices):
    MORNING = "morning", _("上午")
    AFTERNOON = "afternoon", _("下午")
    EVENING = "evening", _("晚上")
    CUSTOM = "custom", _("其他时段")


SLOT_HOURS: dict[str, tuple[datetime.time, datetime.time]] = {
    Slot.MORNING: (datetime.time(8, 30), datetime.time(12, 0)),
    Slot.AFTERNOON: (datetime.time(13, 30), datetime.time(17, 30)),
    Slot.EVENING: (datetime.time(17, 30), datetime.time(21, 0)),
}
DEFAULT_REQUIRED_SLOTS = [Slot.MORNING.value, Slot.AFTERNOON.value, Slot.EVENING.value]


class ShiftKind(models.TextChoices):
    DESK = "desk", _("坐班")
    ON_CALL = "on_call", _("电话值守")


def default_required_slots() -> list[str]:
    return list(DEFAULT_REQUIRED_SLOTS)


class DutyRoster(models.Model):
    """A community's rota: the service desk must be staffed in each required slot of every day."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="duty_roster", verbose_name=_("社区")
    )
    required_slots = models.JSONField(_("须有人值班的时段"), default=default_required_slots)
    published_through = models.DateField(_("已发布至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")

    def __str__(self) -> str:
        return f"{self.region.name} 值班表"


class Shift(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    roster = models.ForeignKey(
        DutyRoster, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("值班表")
    )
    date = models.DateField(_("日期"))
    slot = models.CharField(_("时段"), max_length=12, choices=Slot.choices)
    custom_label = models.CharField(_("时段说明"), max_length=30, blank=True)
    kind = models.CharField(_("方式"), max_length=10, choices=ShiftKind.choices, default=ShiftKind.DESK)
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("社工"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "roster", "date", "slot", "worker"], name="shift_unique_worker_slot"
            )
        ]
        indexes = [models.Index(fields=["roster", "date"]), models.Index(fields=["worker", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_slot_display()} {self.worker}"

    @property
    def slot_label(self) -> str:
        return (
            self.custom_label if self.slot == Slot.CUSTOM and self.custom_label else self.get_slot_display()
        )


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("未同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class ShiftSwap(models.Model):
    """A social worker hands a shift to a colleague (or exchanges it for one of theirs);
    the secretary approves."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="+", verbose_name=_("班次"))
    other_shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("换回的班次")
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    taker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("接班人"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("换班申请")
        verbose_name_plural = _("换班申请")

    def __str__(self) -> str:
        return f"{self.shift} → {self.taker}"


# --- 志愿联盟 and 党员联动 share the district's service kinds --------------------------------------


class Colour(models.TextChoices):
    RED = "red", _("红")
    ORANGE = "orange", _("橙")
    YELLOW = "yellow", _("黄")
    GREEN = "green", _("绿")
    CYAN = "cyan", _("青")
    BLUE = "blue", _("蓝")
    PURPLE = "purple", _("紫")


class ServiceKind(models.Model):
    """A kind of service the district defines (a colour team's kind, a party member's post)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    code = models.SlugField(_("编码"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    colour = models.CharField(_("颜色"), max_length=10, choices=Colour.choices, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="service_kind_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Region:
        return self.district


# --- 党员联动 -----------------------------------------------------------------------------------


class ReportingStatus(models.TextChoices):
    REGISTERED = "registered", _("待社区确认")
    CONFIRMED = "confirmed", _("已报到")
    DECLINED = "declined", _("未通过")


class PartyMember(models.Model):
    """A party member's profile; ``region`` is the community where they live and report (双报到)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("居住社区"))
    user = models.OneToOneField(
        USER, on_delete=models.PROTECT, related_name="party_member", verbose_name=_("账号")
    )
    party_organisation = models.CharField(_("所在党组织"), max_length=120)
    unit = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_members",
        verbose_name=_("工作单位"),
    )
    in_service = models.BooleanField(_("在职党员"), default=True)
    posts = models.ManyToManyField(
        ServiceKind, blank=True, related_name="party_members", verbose_name=_("认领岗位")
    )
    status = models.CharField(
        _("报到状态"), max_length=12, choices=ReportingStatus.choices, default=ReportingStatus.REGISTERED
    )
    registered_at = models.DateTimeField(_("报到时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")

    def __str__(self) -> str:
        return self.user.masked_name


class UnitReport(models.Model):
    """An organisation (unit) registering with a community (单位双报到)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("报到社区"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="unit_reports", verbose_name=_("单位")
    )
    note = models.CharField(_("共建内容"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportingStatus.choices, default=ReportingStatus.REGISTERED
    )
    registered_at = models.DateTimeField(_("报到时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位报到")
        verbose_name_plural = _("单位报到")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "organisation", "region"], name="unit_report_unique_place"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.region}"


# --- 志愿联盟 -----------------------------------------------------------------------------------


class TeamKind(models.TextChoices):
    COLOUR = "colour", _("七彩党员志愿服务队")
    MEDIATORS = "mediators", _("老娘舅协会")
    LAWYERS = "lawyers", _("党员律师服务团")
    EMERGENCY = "emergency", _("应急队伍")
    INTEREST = "interest", _("兴趣社团")


class Team(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="teams", verbose_name=_("所在区域")
    )
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=12, choices=TeamKind.choices)
    colour = models.CharField(_("颜色"), max_length=10, choices=Colour.choices, blank=True)
    service_kind = models.ForeignKey(
        ServiceKind,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("服务类别"),
    )
    description = models.CharField(_("简介"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("队伍")
        verbose_name_plural = _("队伍")
        constraints = [
            models.UniqueConstraint(fields=["district", "region", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", _("队长")
    MEMBER = "member", _("队员")


class TeamMembership(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("队伍")
    )
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="team_memberships", verbose_name=_("成员")
    )
    role = models.CharField(_("职务"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    left_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "team", "user"],
                condition=Q(left_at__isnull=True),
                name="team_membership_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("报名中")
    CANCELLED = "cancelled", _("已取消")


class Activity(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="activities", verbose_name=_("队伍")
    )
    title = models.CharField(_("活动名称"), max_length=100)
    service_kind = models.ForeignKey(
        ServiceKind,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务类别"),
    )
    place = models.CharField(_("地点"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    allow_waitlist = models.BooleanField(_("满员后可候补"), default=True)
    needs = models.CharField(_("需要"), max_length=300, blank=True)
    signed_up_count = models.PositiveIntegerField(_("已报名"), default=0)
    waitlist_count = models.PositiveIntegerField(_("候补"), default=0)
    checkin_code = models.CharField(_("签到码"), max_length=8)
    residents_served = models.PositiveIntegerField(_("服务居民人次"), default=0)
    organiser = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织者"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        constraints = [
            # The counter is what sign-ups race on: the database itself refuses an over-filled activity.
            models.CheckConstraint(
                condition=Q(signed_up_count__lte=F("capacity")), name="activity_not_over_filled"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
        ]
        indexes = [models.Index(fields=["team", "starts_at"]), models.Index(fields=["district", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class Signup(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="signups", verbose_name=_("活动")
    )
    volunteer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="signups", verbose_name=_("志愿者")
    )
    status = models.CharField(_("状态"), max_length=12, choices=SignupStatus.choices)
    queued_at = models.DateTimeField(_("报名时间"))
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "activity", "volunteer"], name="signup_unique_volunteer"
            )
        ]
        indexes = [models.Index(fields=["activity", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.activity} · {self.volunteer}"


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("未通过")


class RecordSource(models.TextChoices):
    """How a record came to be: a code, shown in the reader's language (the note is only what
    a person wrote)."""

    ENTERED = "entered", _("组织者录入")
    CHECKOUT = "checkout", _("签到签退自动生成")
    SHEET = "sheet", _("签到表录入")


class ServiceRecord(models.Model):
    """志愿服务记录: one per volunteer and activity, with the actual hours (民政部 2021 办法)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="records", verbose_name=_("活动")
    )
    volunteer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="service_records", verbose_name=_("志愿者")
    )
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"))
    verified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("核实人")
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    corrected = models.BooleanField(_("经更正"), default=False)

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "activity", "volunteer"], name="record_unique_volunteer"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal("0")) & Q(hours__lte=Decimal("24")), name="record_hours_range"
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]

    def __str__(self) -> str:
        return f"{self.activity} · {self.volunteer} · {self.hours}h"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已更正")
    DECLINED = "declined", _("未更正")


class CorrectionRequest(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    record = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("服务记录")
    )
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    message = models.CharField(_("更正说明"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人")
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")

    def __str__(self) -> str:
        return self.message[:40]


class Certificate(models.Model):
    """志愿服务证明. ``content`` is what was certified; ``code`` is an HMAC of it, so a changed
    certificate (or a made-up one) fails the public check."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    volunteer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("志愿者")
    )
    hours = models.DecimalField(_("已核实时长"), max_digits=8, decimal_places=1)
    record_count = models.PositiveIntegerField(_("记录数"))
    serial = models.CharField(_("编号"), max_length=20, unique=True)
    content = models.JSONField(_("证明内容"))
    code = models.CharField(_("验证码"), max_length=40)
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("出具人"))

    class Meta:
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")

    def __str__(self) -> str:
        return self.code
