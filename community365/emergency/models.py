"""Emergency response (应急): a declared event, the households to check in it, the door-to-door
checks (one row per tap, keyed for idempotency), the supplies issued and the tasks raised."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Household, Region

USER = settings.AUTH_USER_MODEL


class EventKind(models.TextChoices):
    TYPHOON = "typhoon", _("台风")
    FLOOD = "flood", _("内涝")
    POWER_CUT = "power_cut", _("停电")
    HEAT_WAVE = "heat_wave", _("高温")


class EventLevel(models.TextChoices):
    # The colours of the national warning scale, from the mildest.
    BLUE = "blue", _("蓝色（IV级）")
    YELLOW = "yellow", _("黄色（III级）")
    ORANGE = "orange", _("橙色（II级）")
    RED = "red", _("红色（I级）")


class EventStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class EmergencyEvent(models.Model):
    """应急事件: declared by the district or a subdistrict (``region``) over communities."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布单位"))
    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=EventKind.choices)
    level = models.CharField(_("级别"), max_length=8, choices=EventLevel.choices)
    is_drill = models.BooleanField(_("演练"), default=False)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("预计结束时间"))
    status = models.CharField(_("状态"), max_length=8, choices=EventStatus.choices, default=EventStatus.OPEN)
    declared_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    declared_at = models.DateTimeField(_("发布时间"))
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("结束人")
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summary = models.TextField(_("总结"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("应急事件")
        verbose_name_plural = _("应急事件")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="emergency_event_window"
            )
        ]
        # The list page: a district's events, newest first.
        indexes = [models.Index(fields=["district", "-starts_at"])]

    def __str__(self) -> str:
        return self.title


class EventCommunity(models.Model):
    """A community the event covers (its teams and social workers are alerted)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    event = models.ForeignKey(
        EmergencyEvent, on_delete=models.PROTECT, related_name="communities", verbose_name=_("应急事件")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))

    class Meta:
        verbose_name = _("覆盖社区")
        verbose_name_plural = _("覆盖社区")
        constraints = [
            models.UniqueConstraint(fields=["district", "event", "region"], name="emergency_community_unique")
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.region}"


class CheckStatus(models.TextChoices):
    SAFE = "safe", _("平安")
    NEEDS_HELP = "needs_help", _("需要帮助")
    NOT_HOME = "not_home", _("不在家")
    MOVED = "moved", _("已搬离")


class Need(models.TextChoices):
    CANDLES = "candles", _("蜡烛")
    MEALS = "meals", _("送餐")
    MEDICINE = "medicine", _("药品")
    EVACUATION = "evacuation", _("转移安置")


class Supply(models.TextChoices):
    CANDLES = "candles", _("蜡烛")
    MEALS = "meals", _("盒饭")
    MEDICINE = "medicine", _("药品")
    WATER = "water", _("饮用水")


class Reason(models.TextChoices):
    """Why a household is on the list (the ``vulnerable`` selector)."""

    ALONE = "elderly_alone", _("独居老人")
    DISABLED = "disabled", _("残障")
    DIFFICULTY = "difficulty", _("困难")
    LOW_LYING = "low_lying", _("低洼楼栋")


class CheckAssignment(models.Model):
    """One household to check in an event, and who checks it; ``status`` is its latest check
    (kept here so the boards count in one grouped query)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    event = models.ForeignKey(
        EmergencyEvent, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("应急事件")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    # The household's community and building, for the boards' grouping and the scope.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    building = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("楼栋"))
    assignee = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="emergency_assignments", verbose_name=_("排查人")
    )
    reasons = models.JSONField(_("关注原因"), default=list)
    status = models.CharField(_("最新情况"), max_length=12, choices=CheckStatus.choices, blank=True)
    last_checked_at = models.DateTimeField(_("最近排查"), null=True, blank=True)

    class Meta:
        verbose_name = _("排查户")
        verbose_name_plural = _("排查户")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "event", "household"], name="emergency_assignment_unique"
            )
        ]
        # The checklist (event × assignee) and the board (event × community, grouped).
        indexes = [
            models.Index(fields=["event", "assignee"]),
            models.Index(fields=["event", "region", "building"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.household_id}"


class HouseholdCheck(models.Model):
    """入户排查: one tap on the door-to-door checklist. ``key`` is the phone's idempotency key:
    a batch sent again after a lost answer adds nothing (unique in the database)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    event = models.ForeignKey(
        EmergencyEvent, on_delete=models.PROTECT, related_name="checks", verbose_name=_("应急事件")
    )
    assignment = models.ForeignKey(
        CheckAssignment, on_delete=models.PROTECT, related_name="checks", verbose_name=_("排查户")
    )
    status = models.CharField(_("情况"), max_length=12, choices=CheckStatus.choices)
    needs = models.JSONField(_("需要"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    key = models.CharField(_("幂等键"), max_length=64)
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("排查人"))
    checked_at = models.DateTimeField(_("排查时间"))
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入户排查")
        verbose_name_plural = _("入户排查")
        # The idempotency key, unique within the district (the shard key comes first so that the
        # rule holds on a distributed database; a tap's district is its event's).
        constraints = [models.UniqueConstraint(fields=["district", "key"], name="emergency_check_unique_key")]
        # The report and the hours: an event's checks by person and time.
        indexes = [models.Index(fields=["event", "checked_by", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.status}"


class SupplyIssue(models.Model):
    """Supplies handed to a household (logged with the tap that gave them)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    event = models.ForeignKey(
        EmergencyEvent, on_delete=models.PROTECT, related_name="supplies", verbose_name=_("应急事件")
    )
    household_check = models.ForeignKey(
        HouseholdCheck, on_delete=models.PROTECT, related_name="supplies", verbose_name=_("入户排查")
    )
    item = models.CharField(_("物资"), max_length=12, choices=Supply.choices)
    quantity = models.PositiveIntegerField(_("数量"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发放人"))
    issued_at = models.DateTimeField(_("发放时间"))

    class Meta:
        verbose_name = _("物资发放")
        verbose_name_plural = _("物资发放")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "household_check", "item"], name="emergency_supply_unique_item"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="emergency_supply_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已办结")


class EmergencyTask(models.Model):
    """A need found at a door, to be met. Routed here while the service desk cannot take it
    (see ``services.route_need``)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    event = models.ForeignKey(
        EmergencyEvent, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("应急事件")
    )
    assignment = models.ForeignKey(
        CheckAssignment, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("排查户")
    )
    need = models.CharField(_("需要"), max_length=12, choices=Need.choices)
    status = models.CharField(_("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人"))
    raised_at = models.DateTimeField(_("提出时间"))
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("办结人")
    )
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急任务")
        verbose_name_plural = _("应急任务")
        constraints = [
            # One open task per household and need: a second tap asking for meals adds nothing.
            models.UniqueConstraint(
                fields=["district", "assignment", "need"],
                condition=Q(status="open"),
                name="emergency_task_one_open",
            )
        ]
        indexes = [models.Index(fields=["event", "region", "status"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.need}"
