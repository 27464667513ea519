"""The five mechanisms' instruments (五机制): secretary projects (书记项目) and first secretaries
(第一书记) with front-line postings (火线选育).

``services.py`` is the only writer; every row carries its ``district`` and a ``region`` (the place
it belongs to on the tree) so that scope filters and the audit trail treat it like every other row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.regions.models import Department, Organisation, Region


class UnitKind(models.TextChoices):
    """The kinds of unit whose party secretary runs a secretary project."""

    COMMUNITY = "community", _("社区")
    COOPERATIVE = "cooperative", _("股份经济合作社")
    ORGANISATION = "organisation", _("两新组织及其他单位")
    DEPARTMENT = "department", _("机关部门党支部")


class ProjectTheme(models.TextChoices):
    SERVICE = "service", _("为民服务")
    ORGANISATION = "organisation", _("组织建设")
    CO_BUILDING = "co_building", _("区域共建")
    GOVERNANCE = "governance", _("社区治理")
    CULTURE = "culture", _("文化引领")
    TALENT = "talent", _("队伍建设")


class SecretaryUnit(models.Model):
    """Which unit a unit secretary (role ``unit_secretary``) leads: a community or cooperative, a
    district department's party branch, or an organisation's party branch."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("书记")
    )
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    community = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织"),
    )
    name = models.CharField(_("单位名称"), max_length=120)
    started_at = models.DateTimeField(_("起始"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("书记所在单位")
        verbose_name_plural = _("书记所在单位")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "secretary", "name"],
                condition=Q(ended_at__isnull=True),
                name="mech_unit_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["community", "cooperative"], community__isnull=False)
                    | Q(kind="department", department__isnull=False)
                    | Q(kind="organisation", organisation__isnull=False)
                ),
                name="mech_unit_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MenuItem(models.Model):
    """One candidate project on the organisation department's yearly menu (项目菜单)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("项目"), max_length=80)
    theme = models.CharField(_("主题"), max_length=20, choices=ProjectTheme.choices)
    aim = models.CharField(_("预期成效"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("书记项目菜单")
        verbose_name_plural = _("书记项目菜单")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "title"], name="mech_menu_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def region(self) -> Region:
        return self.district


class ProjectStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    DECLINED = "declined", _("未通过")
    APPROVED = "approved", _("实施中")
    EVALUATED = "evaluated", _("已考评")


class Rubric(models.Model):
    """The district's year-end rubric: the most points each criterion gives, and how much the
    residents' ratings weigh where the project served them."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    goal_max = models.PositiveSmallIntegerField(_("目标达成（满分）"), default=30)
    benefit_max = models.PositiveSmallIntegerField(_("群众受益（满分）"), default=30)
    innovation_max = models.PositiveSmallIntegerField(_("创新特色（满分）"), default=20)
    documentation_max = models.PositiveSmallIntegerField(_("资料台账（满分）"), default=20)
    residents_weight = models.PositiveSmallIntegerField(_("居民评价权重（%）"), default=20)

    class Meta:
        verbose_name = _("考评细则")
        verbose_name_plural = _("考评细则")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="mech_rubric_once"),
            models.CheckConstraint(condition=Q(residents_weight__lte=100), name="mech_rubric_weight"),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def region(self) -> Region:
        return self.district

    @property
    def total_max(self) -> int:
        return self.goal_max + self.benefit_max + self.innovation_max + self.documentation_max


class SecretaryProject(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # The unit's place on the tree (its community, its organisation's place, or the district for
    # a department), for scope filters; ``subdistrict`` for the figures (none for a department).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    subdistrict = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道")
    )
    unit = models.ForeignKey(
        SecretaryUnit, on_delete=models.PROTECT, related_name="projects", verbose_name=_("单位")
    )
    unit_kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices, db_index=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("书记")
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    menu_item = models.ForeignKey(
        MenuItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("菜单项目"),
    )
    theme = models.CharField(_("主题"), max_length=20, choices=ProjectTheme.choices, db_index=True)
    title = models.CharField(_("项目名称"), max_length=80)
    problem = models.CharField(_("调研发现的问题"), max_length=500)
    goal = models.CharField(_("目标"), max_length=300)
    measures = models.CharField(_("主要措施"), max_length=1000)
    budget_yuan = models.PositiveIntegerField(_("预算（元）"), default=0)
    partners = models.CharField(_("合作单位"), max_length=200, blank=True)
    serves_residents = models.BooleanField(_("服务居民"), default=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProjectStatus.choices,
        default=ProjectStatus.SUBMITTED,
        db_index=True,
    )
    status_reason = models.CharField(_("审核意见"), max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mid_year_on_track = models.BooleanField(_("年中检查：进度正常"), null=True, blank=True)
    mid_year_note = models.CharField(_("年中检查意见"), max_length=300, blank=True)
    mid_year_checked_at = models.DateTimeField(_("年中检查时间"), null=True, blank=True)
    score = models.DecimalField(_("考评得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("申报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("书记项目")
        verbose_name_plural = _("书记项目")
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="mech_project_progress_max"),
            models.UniqueConstraint(
                fields=["district", "unit", "year", "title"], name="mech_project_unique_title"
            ),
        ]
        indexes = [models.Index(fields=["district", "year", "status"], name="mech_project_year")]

    def __str__(self) -> str:
        return self.title


class ProjectTask(models.Model):
    """A milestone broken down into a task with an owner and a deadline."""

    project = models.ForeignKey(SecretaryProject, on_delete=models.PROTECT, related_name="tasks")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("任务"), max_length=120)
    owner_name = models.CharField(_("责任人"), max_length=40)
    due = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("标记逾期"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目任务")
        verbose_name_plural = _("项目任务")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["due", "done_at"], name="mech_task_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due < timezone.localdate()


class ProjectProgress(models.Model):
    """A progress report: what was done, the percentage reached, and its evidence."""

    project = models.ForeignKey(SecretaryProject, on_delete=models.PROTECT, related_name="reports")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(ProjectTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("进展"), max_length=500)
    percent = models.PositiveSmallIntegerField(_("进度（%）"))
    evidence = models.FileField(_("佐证材料"), upload_to="mechanisms/%Y/%m", blank=True)
    link = models.URLField(_("链接"), blank=True)

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.percent}%"


class ProjectReview(models.Model):
    """One reviewer's year-end scores on the rubric."""

    project = models.ForeignKey(SecretaryProject, on_delete=models.PROTECT, related_name="reviews")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    goal = models.PositiveSmallIntegerField(_("目标达成"))
    benefit = models.PositiveSmallIntegerField(_("群众受益"))
    innovation = models.PositiveSmallIntegerField(_("创新特色"))
    documentation = models.PositiveSmallIntegerField(_("资料台账"))
    comment = models.CharField(_("评语"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("项目考评")
        verbose_name_plural = _("项目考评")
        constraints = [
            models.UniqueConstraint(fields=["district", "project", "reviewer"], name="mech_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.total}"

    @property
    def total(self) -> int:
        return self.goal + self.benefit + self.innovation + self.documentation


class ProjectRating(models.Model):
    """A resident's rating (1–5) of a project that served them."""

    project = models.ForeignKey(SecretaryProject, on_delete=models.PROTECT, related_name="ratings")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("评分"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("居民评价")
        verbose_name_plural = _("居民评价")
        constraints = [
            models.UniqueConstraint(fields=["district", "project", "user"], name="mech_rating_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="mech_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stars}"


# --- first secretaries (第一书记) ------------------------------------------------------------------
class PostingRole(models.TextChoices):
    FIRST = "first", _("第一书记")
    DEPUTY = "deputy", _("副书记")


class PostingStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    ENDED = "ended", _("已期满")


class FirstSecretaryPosting(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # The community or cooperative posted to (for an organisation: the organisation's place).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("派驻地"))
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("派驻组织"),
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cadre_name = models.CharField(_("干部"), max_length=40)
    home_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("派出单位"),
    )
    from_reserve = models.BooleanField(_("后备干部"), default=False)
    role = models.CharField(_("职务"), max_length=10, choices=PostingRole.choices, default=PostingRole.FIRST)
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期结束"))
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=PostingStatus.choices, default=PostingStatus.ACTIVE
    )
    end_report = models.CharField(_("任期总结"), max_length=2000, blank=True)
    ended_at = models.DateTimeField(_("期满时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("第一书记派驻")
        verbose_name_plural = _("第一书记派驻")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="mech_posting_term")
        ]

    def __str__(self) -> str:
        return f"{self.cadre_name} → {self.region}"


class PostingExtension(models.Model):
    posting = models.ForeignKey(
        FirstSecretaryPosting, on_delete=models.PROTECT, related_name="extension_rows"
    )
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    old_end = models.DateField(_("原任期结束"))
    new_end = models.DateField(_("延至"))
    reason = models.CharField(_("延期理由"), max_length=300)
    petition = models.CharField(_("居民请愿"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("任期延期")
        verbose_name_plural = _("任期延期")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.posting_id} → {self.new_end}"


class PetitionSignature(models.Model):
    """A resident co-signs the petition of an extension (once)."""

    extension = models.ForeignKey(PostingExtension, on_delete=models.PROTECT, related_name="signatures")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("请愿联署")
        verbose_name_plural = _("请愿联署")
        constraints = [
            models.UniqueConstraint(fields=["district", "extension", "user"], name="mech_petition_once")
        ]

    def __str__(self) -> str:
        return f"{self.extension_id} {self.user_id}"


class ResultCategory(models.TextChoices):
    """The article's five categories of a first secretary's results."""

    SPIRIT = "spirit", _("提炼社区精神")
    BRAND = "brand", _("培育亮点品牌")
    SOCIAL_ORG = "social_org", _("组建社会组织")
    EVENT = "event", _("策划文化和党日活动")
    PROBLEM = "problem", _("破解难题")


class ResultStatus(models.TextChoices):
    PENDING = "pending", _("待社区确认")
    CONFIRMED = "confirmed", _("社区已确认")
    REJECTED = "rejected", _("社区未确认")


class FirstSecretaryResult(models.Model):
    """One entry of the ledger (成绩单): counted in the totals once the community confirms it."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    posting = models.ForeignKey(FirstSecretaryPosting, on_delete=models.PROTECT, related_name="results")
    category = models.CharField(_("类别"), max_length=12, choices=ResultCategory.choices, db_index=True)
    title = models.CharField(_("成果"), max_length=120)
    quantity = models.PositiveSmallIntegerField(_("数量"), default=1)
    evidence = models.CharField(_("佐证"), max_length=500)
    evidence_file = models.FileField(_("佐证材料"), upload_to="mechanisms/%Y/%m", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ResultStatus.choices, default=ResultStatus.PENDING, db_index=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("社区意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("第一书记成绩单")
        verbose_name_plural = _("第一书记成绩单")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="mech_result_quantity")]

    def __str__(self) -> str:
        return self.title


class FrontlineTask(models.TextChoices):
    FLOOD = "flood", _("抗洪救灾")
    CLEARANCE = "clearance", _("征地拆迁")
    PROJECT = "project", _("重点项目")


class FrontlinePosting(models.Model):
    """火线选育: a cadre sent in a numbered batch to the front line of a hard task."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地点"))
    batch = models.PositiveSmallIntegerField(_("批次"))
    task = models.CharField(_("任务"), max_length=12, choices=FrontlineTask.choices)
    assignment = models.CharField(_("具体任务"), max_length=120)
    cadre_name = models.CharField(_("干部"), max_length=40)
    home_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("派出单位"),
    )
    starts_on = models.DateField(_("开始"))
    ends_on = models.DateField(_("结束"), null=True, blank=True)
    outcome = models.CharField(_("表现与结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("火线选育")
        verbose_name_plural = _("火线选育")
        ordering = ["-batch", "id"]
        indexes = [models.Index(fields=["district", "batch"], name="mech_frontline_batch")]

    def __str__(self) -> str:
        return f"{self.batch} {self.cadre_name}"


# --- service centres (阵地) and their lectures (党章学堂) ---------------------------------------------
class Room(models.Model):
    """A room of a party–public service centre that communities, units and teams book."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        "regions.ServiceCentre",
        on_delete=models.PROTECT,
        related_name="rooms",
        verbose_name=_("党群服务中心"),
    )
    name = models.CharField(_("场地"), max_length=60)
    capacity = models.PositiveSmallIntegerField(_("容纳人数"), default=30)

    class Meta:
        verbose_name = _("场地")
        verbose_name_plural = _("场地")
        ordering = ["centre_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "centre", "name"], name="mech_room_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.name}"


class BookerKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    UNIT = "unit", _("单位")
    TEAM = "team", _("团队")


class RoomBooking(models.Model):
    """A booked slot. Two active bookings of a room never overlap: the service locks the room's
    row and checks inside the same transaction (IMMEDIATE on SQLite, SELECT … FOR UPDATE on
    PostgreSQL)."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("场地"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booker_kind = models.CharField(_("预约方类型"), max_length=10, choices=BookerKind.choices)
    booker_name = models.CharField(_("预约方"), max_length=80)
    purpose = models.CharField(_("用途"), max_length=120)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("场地预约")
        verbose_name_plural = _("场地预约")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="mech_booking_span")
        ]
        indexes = [models.Index(fields=["room", "starts_at"], name="mech_booking_room")]

    def __str__(self) -> str:
        return f"{self.booker_name} {self.starts_at:%Y-%m-%d %H:%M}"


class Lecture(models.Model):
    """A lecture of the 党章学堂 series: registration up to the capacity (the counter is moved by a
    conditional UPDATE and checked by the database), attendance by the lecture's check-in code."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("报名中")
        CANCELLED = "cancelled", _("已取消")

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        "regions.ServiceCentre", on_delete=models.PROTECT, related_name="+", verbose_name=_("地点")
    )
    title = models.CharField(_("主题"), max_length=80)
    speaker = models.CharField(_("主讲人"), max_length=60)
    starts_at = models.DateTimeField(_("开讲时间"), db_index=True)
    capacity = models.PositiveSmallIntegerField(_("名额"))
    registered = models.PositiveSmallIntegerField(_("已报名"), default=0)
    checkin_code = models.CharField(_("签到码"), max_length=6)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)

    class Meta:
        verbose_name = _("党章学堂")
        verbose_name_plural = _("党章学堂")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered__lte=models.F("capacity")), name="mech_lecture_not_overfilled"
            )
        ]

    def __str__(self) -> str:
        return self.title


class LectureRegistration(models.Model):
    lecture = models.ForeignKey(Lecture, on_delete=models.PROTECT, related_name="registrations")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("听课报名")
        verbose_name_plural = _("听课报名")
        constraints = [
            models.UniqueConstraint(fields=["district", "lecture", "user"], name="mech_registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.lecture_id} {self.user_id}"


class DelegationVisit(models.Model):
    """A delegation's visit to a centre, logged with its head count."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    centre = models.ForeignKey(
        "regions.ServiceCentre", on_delete=models.PROTECT, related_name="+", verbose_name=_("党群服务中心")
    )
    visited_on = models.DateField(_("日期"))
    delegation = models.CharField(_("来访团队"), max_length=100)
    visitors = models.PositiveSmallIntegerField(_("人数"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("参观接待")
        verbose_name_plural = _("参观接待")
        ordering = ["-visited_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(visitors__gte=1), name="mech_visit_visitors")]

    def __str__(self) -> str:
        return f"{self.delegation} {self.visited_on}"


# --- funding (经费保障) -------------------------------------------------------------------------------
class FundSource(models.TextChoices):
    DISTRICT = "district", _("区财政")
    SUBDISTRICT = "subdistrict", _("街道配套")
    PARTY_FEE = "party_fee", _("党费返还")
    CO_BUILDING = "co_building", _("共建单位")
    OTHER = "other", _("其他")


class FundKind(models.TextChoices):
    PARTY_BUILDING = "party_building", _("党建经费")
    SERVICE = "service", _("服务群众专项经费")


class SpendingCategory(models.TextChoices):
    ACTIVITIES = "activities", _("组织活动")
    TRAINING = "training", _("党员教育培训")
    SERVICE = "service", _("为民服务")
    VENUE = "venue", _("阵地建设")
    SUPPORT = "support", _("困难帮扶")
    OTHER = "other", _("其他")


class FundAllocation(models.Model):
    """Money allocated to a community for a year, by source. Never changed or deleted: a
    correction is a new row with the opposite amount that names the row it reverses."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    source = models.CharField(_("来源"), max_length=12, choices=FundSource.choices)
    kind = models.CharField(_("经费类别"), max_length=16, choices=FundKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # Reversed once: unique with the district (see Meta), not a one-to-one column.
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        verbose_name=_("冲正"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("经费下拨")
        verbose_name_plural = _("经费下拨")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="mech_allocation_sign",
            ),
            models.UniqueConstraint(fields=["district", "reverses"], name="mech_allocation_reversed_once"),
        ]
        indexes = [models.Index(fields=["region", "year"], name="mech_allocation_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.source} {self.amount}"


class FundEntry(models.Model):
    """A spending entry with its attachment. Never changed or deleted: a correction reverses it."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("经费类别"), max_length=16, choices=FundKind.choices)
    category = models.CharField(_("支出类别"), max_length=12, choices=SpendingCategory.choices)
    spent_on = models.DateField(_("支出日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    description = models.CharField(_("事由"), max_length=200)
    attachment = models.FileField(_("票据照片"), upload_to="mechanisms/funds/%Y/%m", blank=True)
    # Reversed once: unique with the district (see Meta), not a one-to-one column.
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
        verbose_name=_("冲正"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="mech_entry_sign",
            ),
            models.UniqueConstraint(fields=["district", "reverses"], name="mech_entry_reversed_once"),
        ]
        indexes = [models.Index(fields=["region", "year"], name="mech_entry_year")]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount}"


# --- area-wide co-building (区域化党建) ------------------------------------------------------------------
class ResourceKind(models.TextChoices):
    ROOM = "room", _("场地")
    VOLUNTEERS = "volunteers", _("志愿者")
    EXPERTISE = "expertise", _("专业服务")
    FUNDS = "funds", _("资金物资")
    OTHER = "other", _("其他")


class ResourceOffer(models.Model):
    """A line of a unit's resource list (资源清单): what it can offer the communities."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(_("单位"), max_length=120)
    kind = models.CharField(_("类别"), max_length=12, choices=ResourceKind.choices, db_index=True)
    title = models.CharField(_("资源"), max_length=100)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    active = models.BooleanField(_("可提供"), default=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("资源清单")
        verbose_name_plural = _("资源清单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.title}"


class NeedItem(models.Model):
    """A line of a community's needs list (需求清单)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待对接")
        MATCHED = "matched", _("已对接")

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    kind = models.CharField(_("类别"), max_length=12, choices=ResourceKind.choices, db_index=True)
    title = models.CharField(_("需求"), max_length=100)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CoProject(models.Model):
    """A line of the project list (项目清单): a need met by a unit's resource, agreed by both."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    need = models.ForeignKey(NeedItem, on_delete=models.PROTECT, related_name="projects")  # one: see Meta
    offer = models.ForeignKey(ResourceOffer, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("项目"), max_length=100)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("项目清单")
        verbose_name_plural = _("项目清单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "need"], name="mech_coproject_one_per_need")
        ]

    def __str__(self) -> str:
        return self.title


class CoBuildingAgreement(models.Model):
    """A unit and a community's yearly co-building plan, reviewed at year end."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    partner = models.CharField(_("共建单位"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    plan = models.CharField(_("年度计划"), max_length=1000)
    review = models.CharField(_("年终回顾"), max_length=1000, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "region", "partner", "year"], name="mech_agreement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.partner}"


class CoBuildingModel(models.TextChoices):
    JOINT = "joint", _("共建联建型")
    MUTUAL = "mutual", _("融合互助型")
    FUNCTIONAL = "functional", _("功能导向型")
    NETWORK = "network", _("网络聚合型")


class CommunityCoBuilding(models.Model):
    """The community's co-building model, set by its subdistrict."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    model = models.CharField(_("共建模式"), max_length=12, choices=CoBuildingModel.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("社区共建模式")
        verbose_name_plural = _("社区共建模式")
        constraints = [models.UniqueConstraint(fields=["district", "region"], name="mech_cobuilding_once")]

    def __str__(self) -> str:
        return str(self.model)


class PropertyManager(models.Model):
    """A property management company serving estates of a community (社区物业党建联建)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    name = models.CharField(_("物业公司"), max_length=120)
    has_party_branch = models.BooleanField(_("建有党组织"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("物业公司")
        verbose_name_plural = _("物业公司")
        constraints = [
            models.UniqueConstraint(fields=["district", "region", "name"], name="mech_property_once")
        ]

    def __str__(self) -> str:
        return self.name


class PropertyMeeting(models.Model):
    manager = models.ForeignKey(PropertyManager, on_delete=models.PROTECT, related_name="meetings")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("议题"), max_length=200)
    outcome = models.CharField(_("结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class EstateFeeRate(models.Model):
    """The property fee collection rate of one estate in one year (%)."""

    manager = models.ForeignKey(PropertyManager, on_delete=models.PROTECT, related_name="rates")
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    estate = models.CharField(_("小区"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"))
    rate = models.DecimalField(_("物业费收缴率（%）"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("物业费收缴率")
        verbose_name_plural = _("物业费收缴率")
        ordering = ["estate", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "manager", "estate", "year"], name="mech_fee_rate_once"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=100), name="mech_fee_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.estate} {self.year} {self.rate}%"
