"""对标: the indicator tree a district sets per year, and the scores computed from it.

- ``IndicatorTree`` — one per district and year: grade bands, a status (draft / published) and a
  version that rises with every change made after publication (``TreeChange`` keeps each one).
- ``TreeNode`` — up to three levels (一级 dimension → 二级 indicator → 三级 sub-indicator); a
  leaf carries the scoring rule and its source (a registered provider, or manual entry).
- ``ScoreRun`` — one computation of a period (a month, quarter or year) for a district. Pages read
  the newest *complete* run; a new run's rows are written first and the old run is dropped in
  the same transaction once the new one is complete.
- ``ScoreSnapshot`` — a community's scores in a run (total, dimensions, indices, rank).
- ``IndicatorResult`` — a community's value and points on one leaf in a run (the gap list)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Region


class Dimension(models.TextChoices):
    LINKAGES = "linkages", _("三联")
    SERVICES = "services", _("六服务")
    MECHANISMS = "mechanisms", _("五机制")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Rule(models.TextChoices):
    LINEAR = "linear", _("线性（保底值→目标值）")
    THRESHOLDS = "thresholds", _("分档")
    RANK = "rank", _("按名次")


class Source(models.TextChoices):
    PROVIDER = "provider", _("平台记录自动计算")
    MANUAL = "manual", _("社区填报、街道确认")


class TreeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季")
    YEAR = "year", _("年")


class IndicatorTree(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=TreeStatus.choices, default=TreeStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # [{"min": 90, "label": "五星"}, …] from the highest band down; a total at or above ``min``.
    grade_bands = models.JSONField(_("等级划分"), default=list, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The last day a community may enter (and a subdistrict confirm) a manual indicator's value
    # for this year; empty: 31 January of the next year.
    entries_close_on = models.DateField(_("填报截止日"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="bm_tree_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def closes_on(self) -> datetime.date:
        return self.entries_close_on or datetime.date(self.year + 1, 1, 31)

    def stars_of(self, grade: str) -> int:
        """The star level of a grade label (a band's ``stars``), 0 when the band has none."""
        for band in self.grade_bands or []:
            if band.get("label") == grade:
                return int(band.get("stars") or 0)
        return 0


class TreeNode(models.Model):
    tree = models.ForeignKey(IndicatorTree, on_delete=models.CASCADE, related_name="nodes")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("上级"),
    )
    level = models.PositiveSmallIntegerField(_("级别"))
    code = models.SlugField(_("编码"), max_length=60)
    label = models.CharField(_("名称"), max_length=100)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # leaves only
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    floor = models.DecimalField(_("保底值"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2, null=True, blank=True)
    rule = models.CharField(_("计分规则"), max_length=12, choices=Rule.choices, default=Rule.LINEAR)
    # [[value, points], …]: the points of the best threshold the value reaches
    thresholds = models.JSONField(_("分档"), default=list, blank=True)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, blank=True)
    provider_code = models.CharField(_("计算方法"), max_length=60, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    # manual leaves: the range a community's value must lie in (either end may be open)
    min_value = models.DecimalField(_("最小值"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("最大值"), max_digits=12, decimal_places=2, null=True, blank=True)
    # The fewest records (the value's denominator: ratings, cases, requests …) a community's value
    # must rest on to be scored; below it the value is shown but scores nothing (as no value).
    min_base = models.PositiveIntegerField(_("最少样本数"), null=True, blank=True)
    # A retired node (and its subtree) is no longer scored; it stays for the runs that used it.
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["level", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "tree", "code"], name="bm_node_unique_code"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=3), name="bm_node_level_1_3"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def display_label(self) -> str:
        """A provider's leaf reads under the provider's (translated) name, a dimension under
        its own; what the district named itself stays as written."""
        from community365.core import indicators

        if self.provider_code in indicators.REGISTRY:
            return str(indicators.get(self.provider_code).label)
        if self.level == 1:
            return str(Dimension(self.dimension).label)
        return self.label

    @property
    def display_unit(self) -> str:
        from community365.core import indicators

        if self.provider_code in indicators.REGISTRY:
            return str(indicators.get(self.provider_code).unit)
        return self.unit

    @property
    def is_own_words(self) -> bool:
        return not (self.provider_code or self.level == 1)


class TreeChange(models.Model):
    """A change to a published tree: the version it made, what changed, who and why."""

    tree = models.ForeignKey(IndicatorTree, on_delete=models.CASCADE, related_name="changes")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("版本"))
    node_code = models.CharField(_("指标"), max_length=60)
    before = models.JSONField(_("修改前"), default=dict)
    after = models.JSONField(_("修改后"), default=dict)
    reason = models.CharField(_("理由"), max_length=300)
    actor_label = models.CharField(_("修改人"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("指标修改记录")
        verbose_name_plural = _("指标修改记录")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.node_code}"


class ManualEntry(models.Model):
    """A value of a manual indicator for the tree's year, entered by a community with its
    evidence (files, links), confirmed or returned by the subdistrict; only confirmed entries are
    scored. A value is corrected only by a new entry that supersedes the old one (``supersedes``):
    a pending or returned entry is superseded at once, a confirmed one when its correction is
    confirmed — so the history of a value is the chain of its entries, never an overwrite."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待街道确认")
        CONFIRMED = "confirmed", _("已确认")
        RETURNED = "returned", _("退回")
        SUPERSEDED = "superseded", _("已被更正")

    node = models.ForeignKey(TreeNode, on_delete=models.CASCADE, related_name="entries")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    evidence = models.CharField(_("佐证说明"), max_length=500)
    links = models.JSONField(_("佐证链接"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("更正的填报"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("填报数据")
        verbose_name_plural = _("填报数据")
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "node", "community"],
                condition=models.Q(status="submitted"),
                name="bm_entry_one_pending",
            ),
            models.UniqueConstraint(
                fields=["district", "node", "community"],
                condition=models.Q(status="confirmed"),
                name="bm_entry_one_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["district", "status", "community"], name="bm_entry_status")]

    def __str__(self) -> str:
        return f"{self.node_id} · {self.community_id}: {self.value}"


class ManualEntryFile(models.Model):
    """A file of evidence (a photo or scan, or a PDF), checked by its content on upload."""

    entry = models.ForeignKey(ManualEntry, on_delete=models.CASCADE, related_name="files")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("文件"), upload_to="benchmarking/%Y/%m")
    name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("佐证文件")
        verbose_name_plural = _("佐证文件")
        indexes = [models.Index(fields=["district", "entry"], name="bm_entry_file")]

    def __str__(self) -> str:
        return self.name


class ScoreRun(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    tree = models.ForeignKey(IndicatorTree, on_delete=models.PROTECT, related_name="runs")
    tree_version = models.PositiveIntegerField(_("指标体系版本"))
    kind = models.CharField(_("周期"), max_length=8, choices=PeriodKind.choices)
    key = models.CharField(_("期间"), max_length=10)  # 2025 · 2025-Q1 · 2025-03
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    complete = models.BooleanField(_("已完成"), default=False)
    started_at = models.DateTimeField(_("开始计算"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成计算"), null=True, blank=True)

    class Meta:
        verbose_name = _("计分批次")
        verbose_name_plural = _("计分批次")
        indexes = [models.Index(fields=["district", "key", "complete"])]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "key"], condition=models.Q(complete=True), name="bm_run_one_complete"
            )
        ]

    def __str__(self) -> str:
        return self.key


class ScoreSnapshot(models.Model):
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="snapshots")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    subdistrict = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道")
    )
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    linkages = models.DecimalField(_("三联"), max_digits=6, decimal_places=2, null=True)
    services = models.DecimalField(_("六服务"), max_digits=6, decimal_places=2, null=True)
    mechanisms = models.DecimalField(_("五机制"), max_digits=6, decimal_places=2, null=True)
    people_index = models.DecimalField(_("为民指数"), max_digits=6, decimal_places=2, null=True)
    service_index = models.DecimalField(_("服务指数"), max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("名次"))
    previous_rank = models.PositiveIntegerField(_("上期名次"), null=True)
    grade = models.CharField(_("等级"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("得分快照")
        verbose_name_plural = _("得分快照")
        constraints = [
            models.UniqueConstraint(fields=["district", "run", "community"], name="bm_snapshot_once")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.community_id}: {self.total}"

    @property
    def movement(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


class IndicatorResult(models.Model):
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="results")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(TreeNode, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2, null=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "run", "community", "node"], name="bm_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.community_id} · {self.node_id}: {self.value}"
