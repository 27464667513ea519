"""Pairing cadres with households (党群连心·结对走亲): a pairing, the visits made under it and
the needs found on a visit, each turned (once) into a desk request, a micro-wish or a talk topic."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Household, Region

USER = settings.AUTH_USER_MODEL


class EndReason(models.TextChoices):
    OUT_OF_DIFFICULTY = "out_of_difficulty", _("已脱困")
    MOVED = "moved", _("住户搬离")
    DECEASED = "deceased", _("住户去世")
    CADRE_LEFT = "cadre_left", _("干部调离")
    DECLINED = "declined", _("住户不再需要")
    OTHER = "other", _("其他")


class Pairing(models.Model):
    """A cadre paired with a household. ``region`` is the household's community (the scope);
    ``unit_key``/``unit_name`` are the cadre's unit when paired (the figures group by them);
    ``last_visit_on`` is the latest visit, kept here so "visit due" is one indexed filter."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("户")
    )
    cadre = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("结对干部")
    )
    unit_key = models.CharField(_("单位标识"), max_length=40)
    unit_name = models.CharField(_("所在单位"), max_length=120)
    since = models.DateField(_("结对日期"))
    paired_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("结对人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_visit_on = models.DateField(_("最近走访"), null=True, blank=True)
    visits = models.PositiveIntegerField(_("走访次数"), default=0)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("说明"), max_length=200, blank=True)
    ended_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("结束人")
    )

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        constraints = [
            # One live pairing of a household with a cadre (a second click adds nothing).
            models.UniqueConstraint(
                fields=["district", "household", "cadre"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_live",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("since")),
                name="pairing_end_after_start",
            ),
        ]
        indexes = [
            # The community's list, the cadre's "my pairings".
            models.Index(fields=["district", "region", "ended_on"], name="pairing_by_region"),
            models.Index(fields=["district", "cadre", "ended_on"], name="pairing_by_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.cadre_id}"

    @property
    def is_live(self) -> bool:
        return self.ended_on is None


class PairingVisit(models.Model):
    """走访: one visit to a paired household — when, the cadre and who went along, what was found."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    pairing = models.ForeignKey(
        Pairing, on_delete=models.PROTECT, related_name="visit_rows", verbose_name=_("结对")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    cadre = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("走访干部"))
    companions = models.CharField(_("同行人员"), max_length=120, blank=True)
    visited_on = models.DateField(_("走访日期"))
    found = models.TextField(_("走访情况"), max_length=2000)
    photo = models.FileField(_("照片"), upload_to="pairing/%Y/%m", blank=True)
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))
    logged_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [
            models.Index(fields=["district", "pairing", "visited_on"], name="pairing_visit_by_pairing"),
            models.Index(fields=["district", "region", "visited_on"], name="pairing_visit_by_region"),
            models.Index(fields=["district", "household", "visited_on"], name="pairing_visit_by_household"),
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} · {self.visited_on}"


class TurnedTo(models.TextChoices):
    REQUEST = "request", _("服务诉求")
    WISH = "wish", _("微心愿")
    TOPIC = "topic", _("约谈点题")


class VisitNeed(models.Model):
    """A need found on a visit and what it became: a desk request, a micro-wish or a talk topic
    (``turned_to`` is set once, by a conditional UPDATE, and the created record linked)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    visit = models.ForeignKey(
        PairingVisit, on_delete=models.PROTECT, related_name="needs", verbose_name=_("走访")
    )
    text = models.CharField(_("需求"), max_length=200)
    turned_to = models.CharField(_("转为"), max_length=10, choices=TurnedTo.choices, blank=True)
    request = models.ForeignKey(
        "desk.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务诉求"),
    )
    wish = models.ForeignKey(
        "wishes.Wish",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("微心愿"),
    )
    topic = models.ForeignKey(
        "talks.TalkTopic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("约谈点题"),
    )
    turned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("转办人")
    )
    turned_at = models.DateTimeField(_("转办时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("走访发现的需求")
        verbose_name_plural = _("走访发现的需求")
        constraints = [
            # A turned need links exactly the record of its kind.
            models.CheckConstraint(
                condition=(
                    Q(turned_to="")
                    | Q(turned_to="request", wish__isnull=True, topic__isnull=True)
                    | Q(turned_to="wish", request__isnull=True, topic__isnull=True)
                    | Q(turned_to="topic", request__isnull=True, wish__isnull=True)
                ),
                name="pairing_need_one_link",
            ),
        ]
        indexes = [models.Index(fields=["district", "region", "turned_to"], name="pairing_need_by_region")]

    def __str__(self) -> str:
        return self.text
