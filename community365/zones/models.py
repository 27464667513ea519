"""整片建强: the district's zones (一核五翼十联动), the yearly targets (整街推进), the standards that
decide 达标/示范, and each community's signature brand (一社一特).

- ``Zone`` — one area of the layout: the core (一核), a themed wing (五翼) or a link (十联动, in
  one of three forms). Its ``status`` only moves forward (planned → building → built →
  demonstration); every change is a dated ``ZoneStatusChange`` (a revert too, with its reason).
- ``ZoneMember`` — a community or cooperative of the tree, or a named member that is not a
  place of the tree (a building, an organisation, a service centre). A community lies in at
  most one area (the core or a wing: areas are places); it may join several links (alliances).
- ``Standard`` / ``StandardItem`` — per district, year, scope (subdistricts or zones) and level
  (达标 or 示范): a checklist of thresholds on registered benchmarking indicators, or on the
  total score, read from the year's score snapshots.
- ``ZoneTarget`` — what the district set for a year: the number of demonstration zones, the
  share of subdistricts at 达标, the share at 示范.
- ``Brand`` — a community's 一社一特: one per community, edited by its secretary."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Region


class ZoneKind(models.TextChoices):
    CORE = "core", _("一核")
    WING = "wing", _("五翼")
    LINK = "link", _("十联动")


class LinkForm(models.TextChoices):
    COMMUNITIES = "community_community", _("社区+社区")
    BUILDINGS = "building_community", _("楼宇+社区")
    COOPERATIVES = "cooperative_cooperative", _("合作社+合作社")


class ZoneTheme(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("党建综合")
    WELFARE = "welfare", _("党建+公益")
    CULTURE = "culture", _("党建+文化")
    ECOLOGY = "ecology", _("党建+生态")
    GOVERNANCE = "governance", _("党建+治理")
    DEVELOPMENT = "development", _("党建+发展")


class ZoneStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    BUILDING = "building", _("建设中")
    BUILT = "built", _("已建成")
    DEMONSTRATION = "demonstration", _("示范片")


# The forward order of the statuses: a zone moves to a later one only (a revert is its own act).
STATUS_ORDER = [ZoneStatus.PLANNED, ZoneStatus.BUILDING, ZoneStatus.BUILT, ZoneStatus.DEMONSTRATION]
# Kinds whose members are places (片): a community lies in at most one of them.
AREA_KINDS = (ZoneKind.CORE, ZoneKind.WING)


class MemberKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    COOPERATIVE = "cooperative", _("股份经济合作社")
    BUILDING = "building", _("商务楼宇")
    ORGANISATION = "organisation", _("组织")
    CENTRE = "centre", _("党群服务中心")


PLACE_MEMBER_KINDS = (MemberKind.COMMUNITY, MemberKind.COOPERATIVE)


class Zone(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    code = models.SlugField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=8, choices=ZoneKind.choices)
    link_form = models.CharField(_("联动形式"), max_length=24, choices=LinkForm.choices, blank=True)
    theme = models.CharField(_("主题"), max_length=16, choices=ZoneTheme.choices)
    description = models.CharField(_("简介"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ZoneStatus.choices, default=ZoneStatus.PLANNED
    )
    status_since = models.DateField(_("状态起始"), default=timezone.localdate)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="zones_zone_code"),
            models.UniqueConstraint(fields=["district", "name"], name="zones_zone_name"),
            # a link names its form; the core and the wings have none
            models.CheckConstraint(
                condition=(models.Q(kind="link") & ~models.Q(link_form=""))
                | (~models.Q(kind="link") & models.Q(link_form="")),
                name="zones_zone_link_form",
            ),
        ]
        # the zones list and the targets' count of demonstration zones (district, status)
        indexes = [models.Index(fields=["district", "status"], name="zones_zone_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Region:
        """Zones belong to the district as a whole (audit and admin scoping)."""
        return self.district


class ZoneStatusChange(models.Model):
    """One dated status change of a zone (history: never edited; a revert is a row of its own)."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="changes")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ZoneStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ZoneStatus.choices)
    on = models.DateField(_("日期"))
    reverted = models.BooleanField(_("回退"), default=False)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("片区状态变更")
        verbose_name_plural = _("片区状态变更")
        ordering = ["-on", "-id"]
        # a zone's history, and its status at a year's end (latest change on or before a date)
        indexes = [models.Index(fields=["district", "zone", "on"], name="zones_change_zone_on")]

    def __str__(self) -> str:
        return f"{self.zone_id}: {self.from_status} → {self.to_status}"


class ZoneMember(models.Model):
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="members")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("成员类型"), max_length=16, choices=MemberKind.choices)
    # a community or cooperative of the tree; null for a named member (building, organisation,
    # centre), whose ``name`` is then what the district wrote
    community = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    name = models.CharField(_("名称"), max_length=100)
    # the zone's kind, kept on the row so that the database can hold "one area per community"
    zone_kind = models.CharField(max_length=8, choices=ZoneKind.choices)
    added_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("片区成员")
        verbose_name_plural = _("片区成员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "zone", "community"],
                condition=models.Q(community__isnull=False),
                name="zones_member_once",
            ),
            models.UniqueConstraint(
                fields=["district", "zone", "name"],
                condition=models.Q(community__isnull=True),
                name="zones_named_member_once",
            ),
            # a community lies in at most one area (the core or a wing)
            models.UniqueConstraint(
                fields=["district", "community"],
                condition=models.Q(community__isnull=False, zone_kind__in=["core", "wing"]),
                name="zones_one_area_per_community",
            ),
        ]
        # "the zones of this community" (the brand block, community staff's visibility)
        indexes = [models.Index(fields=["district", "community"], name="zones_member_community")]

    def __str__(self) -> str:
        return self.name


class Scope(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道")
    ZONE = "zone", _("片区")


class Level(models.TextChoices):
    STANDARD = "standard", _("达标")
    DEMONSTRATION = "demonstration", _("示范")


class Comparison(models.TextChoices):
    GTE = "gte", "≥"
    LTE = "lte", "≤"


# The code of an item on the total score instead of an indicator.
TOTAL = "total"


class Standard(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    scope = models.CharField(_("适用于"), max_length=12, choices=Scope.choices)
    level = models.CharField(_("等级"), max_length=16, choices=Level.choices)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("达标示范标准")
        verbose_name_plural = _("达标示范标准")
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "scope", "level"], name="zones_standard_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_scope_display()} {self.get_level_display()}"


class StandardItem(models.Model):
    """One line of a standard: the indicator (or the total score), ≥ or ≤, the threshold."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="items")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    indicator_code = models.CharField(_("指标"), max_length=60)  # a registered code, or "total"
    comparison = models.CharField(_("比较"), max_length=4, choices=Comparison.choices, default=Comparison.GTE)
    threshold = models.DecimalField(_("门槛值"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("标准条目")
        verbose_name_plural = _("标准条目")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "standard", "indicator_code"], name="zones_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.get_comparison_display()} {self.threshold}"


class Measure(models.TextChoices):
    DEMONSTRATION_ZONES = "demonstration_zones", _("示范片区数")
    SUBDISTRICTS_STANDARD = "subdistricts_standard_pct", _("达标街道比例")
    SUBDISTRICTS_DEMONSTRATION = "subdistricts_demonstration_pct", _("示范街道比例")


PERCENT_MEASURES = (Measure.SUBDISTRICTS_STANDARD, Measure.SUBDISTRICTS_DEMONSTRATION)


class ZoneTarget(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    measure = models.CharField(_("目标项"), max_length=32, choices=Measure.choices)
    value = models.DecimalField(_("目标值"), max_digits=6, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_at = models.DateTimeField(_("设定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整片建强目标")
        verbose_name_plural = _("整片建强目标")
        ordering = ["year", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "measure"], name="zones_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_measure_display()} {self.value}"


class Brand(models.Model):
    """一社一特: a community's signature programme, one per community."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    name = models.CharField(_("品牌名称"), max_length=60)
    description = models.CharField(_("品牌介绍"), max_length=500)
    started = models.DateField(_("创建时间"), null=True, blank=True)
    evidence_url = models.URLField(_("佐证链接"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("一社一特品牌")
        verbose_name_plural = _("一社一特品牌")
        ordering = ["community__path"]
        constraints = [models.UniqueConstraint(fields=["district", "community"], name="zones_brand_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Region:
        """The place the brand belongs to (audit, admin scoping)."""
        return self.community
