"""The region tree and the organisations tied to its places.

One materialized-path tree (django-treebeard) holds district → subdistrict → community or
cooperative → grid → building → stairwell, so "everything under X" is one prefix query on an
indexed column. Every row that belongs to a district carries its id (``district``) so that a
district can later live on a shard of its own."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("区")
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")
    COOPERATIVE = "cooperative", _("股份经济合作社")
    GRID = "grid", _("网格")
    BUILDING = "building", _("楼栋")
    STAIRWELL = "stairwell", _("楼道")


# Which kind of node may hang under which.
CHILD_KINDS: dict[str | None, frozenset[str]] = {
    None: frozenset({RegionKind.DISTRICT}),
    RegionKind.DISTRICT: frozenset({RegionKind.SUBDISTRICT}),
    RegionKind.SUBDISTRICT: frozenset({RegionKind.COMMUNITY, RegionKind.COOPERATIVE}),
    RegionKind.COMMUNITY: frozenset({RegionKind.GRID}),
    RegionKind.COOPERATIVE: frozenset({RegionKind.GRID}),
    RegionKind.GRID: frozenset({RegionKind.BUILDING}),
    RegionKind.BUILDING: frozenset({RegionKind.STAIRWELL}),
    RegionKind.STAIRWELL: frozenset(),
}
COMMUNITY_KINDS = frozenset({RegionKind.COMMUNITY, RegionKind.COOPERATIVE})


class Region(MP_Node):
    steplen = 4

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices, db_index=True)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    district = models.ForeignKey(
        "self", verbose_name=_("所属区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Statistics as reported by the community (the census of the place), beside the records
    # the platform holds; pages label the two apart.
    reported_households = models.PositiveIntegerField(_("上报户数"), null=True, blank=True)
    reported_population = models.PositiveIntegerField(_("上报人口"), null=True, blank=True)
    is_model = models.BooleanField(_("示范社区"), default=False)
    # A building in a low-lying spot (floods in typhoons); set by the community, read by the
    # emergency response's list of households to check.
    low_lying = models.BooleanField(_("低洼"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")

    def __str__(self) -> str:
        return self.name

    @property
    def is_community_level(self) -> bool:
        return self.kind in COMMUNITY_KINDS


class Household(models.Model):
    """A household lives in a stairwell (楼道)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="households", verbose_name=_("楼道")
    )
    # The community the stairwell lies in, kept on the row (like Person.community) so that the
    # household counts of the home and region pages group this table by its own indexed column
    # instead of joining every household to the places.
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    number = models.CharField(_("门牌"), max_length=30)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(fields=["district", "region", "number"], name="household_unique_number")
        ]
        indexes = [models.Index(fields=["district", "community"], name="household_by_community")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.number}"


class Department(models.Model):
    """A district department (职能部门), e.g. 区住建局; it claims follow-up tasks."""

    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("所属区")
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    code = models.SlugField(_("编码"), max_length=40)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="department_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Region:
        return self.district


class OrganisationKind(models.TextChoices):
    TWO_NEW = "two_new", _("两新组织")
    UNIT = "unit", _("机关事业单位")
    SOCIAL = "social", _("社会组织")


class Organisation(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("所在区域")
    )
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name


class ServiceCentre(models.Model):
    """A party–public service centre (党群服务中心), e.g. 和丰创意广场."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_centres", verbose_name=_("所在区域")
    )
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党群服务中心")
        verbose_name_plural = _("党群服务中心")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="centre_unique_name")]

    def __str__(self) -> str:
        return self.name
