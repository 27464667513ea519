"""The six services (六服务): the community service desk.

The district keeps a working calendar (``HolidayCalendar``: public holidays and working
weekends) that every deadline counts in; a catalogue of service items per district with the
communities' own additions (``CatalogueItem``); residents' requests (``ServiceRequest``) routed,
held to deadlines, closed and rated, with their history as codes (``RequestEvent``), call-backs
(``CallBack``), files from the 12345 hotline (``HotlineImport``) and the client systems that
speak Open311 to the desk (``Open311Client``).

Every row carries ``district`` (shard key)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community365.regions.models import Department, Organisation, Region
from community365.wishes.models import ServiceCategory

USER = settings.AUTH_USER_MODEL


# --- the working calendar --------------------------------------------------------------------


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班")


class HolidayCalendar(models.Model):
    """One day of the district's calendar that differs from the plain week: a public holiday on a
    weekday, or a weekend day that is worked (调休)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        constraints = [models.UniqueConstraint(fields=["district", "date"], name="desk_calendar_unique_day")]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


# --- the catalogue -----------------------------------------------------------------------------


class Deliverer(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("社区社工")
    TEAM = "team", _("志愿联盟团队")
    DEPARTMENT = "department", _("职能部门")
    ORGANISATION = "organisation", _("社会组织")


class CatalogueItem(models.Model):
    """A service the desk offers. ``region`` is empty for the district's own items and names the
    community for a community's addition; ``code`` is the Open311 service_code."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("社区（增补）"),
    )
    code = models.SlugField(_("编码"), max_length=40)
    category = models.CharField(_("类别"), max_length=20, choices=ServiceCategory.choices)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    requirements = models.CharField(_("需提供"), max_length=200, blank=True)
    deliverer = models.CharField(_("承办方"), max_length=20, choices=Deliverer.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("部门")
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("团队"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织"),
    )
    response_hours = models.PositiveSmallIntegerField(_("响应时限（工作小时）"), default=4)
    resolution_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), default=3)
    online = models.BooleanField(_("可在线申请"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    # Open311 service attributes (what a client must or may send with a request of this item):
    # a list of definitions, validated on save by ``attributes.clean_definitions``.
    attributes = models.JSONField(_("附加信息项"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务目录")
        ordering = ["category", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="desk_item_unique_code")]

    def __str__(self) -> str:
        return self.name


class GridWorker(models.Model):
    """The social worker who answers for a grid during desk hours."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("网格"))
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("社工"))

    class Meta:
        verbose_name = _("网格社工")
        verbose_name_plural = _("网格社工")
        constraints = [
            models.UniqueConstraint(fields=["district", "region"], name="grid_worker_one_per_grid")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.worker}"


# --- requests ----------------------------------------------------------------------------------


class Channel(models.TextChoices):
    APP = "app", _("居民自助")
    ASSISTED = "assisted", _("社工代办")
    HOTLINE = "hotline", _("12345热线")
    OPEN311 = "open311", _("Open311")


class ContactWay(models.TextChoices):
    PHONE = "phone", _("电话")
    MESSAGE = "message", _("站内消息")
    VISIT = "visit", _("上门")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    WAITING = "waiting", _("等待居民")
    CLOSED = "closed", _("已办结")
    CONFIRMED = "confirmed", _("已评价")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.WAITING)
DONE_STATUSES = (RequestStatus.CLOSED, RequestStatus.CONFIRMED, RequestStatus.MERGED)


class ServiceRequest(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # The place, down to the stairwell; ``community`` is its community (routing and scope).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地点"))
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, related_name="requests", verbose_name=_("服务事项")
    )
    category = models.CharField(_("类别"), max_length=20, choices=ServiceCategory.choices)
    text = models.TextField(_("诉求内容"))
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices)
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("提出人")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居民"),
    )
    assisted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("代办社工")
    )
    contact_way = models.CharField(
        _("联系方式"), max_length=10, choices=ContactWay.choices, default=ContactWay.PHONE
    )
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.CharField(_("电子邮箱"), max_length=120, blank=True)
    hotline_ticket = models.CharField(_("热线工单号"), max_length=40, null=True, blank=True)
    # Open311: the point a client system gave (WGS84), and the values of the item's attributes
    # ({code: value, or a list of keys for a multivaluelist}).
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    attribute_values = models.JSONField(_("附加信息"), default=dict, blank=True)
    open311_client = models.ForeignKey(
        "desk.Open311Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    assignee = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("承办社工")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办团队"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办组织"),
    )
    escalated_to = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上报至街道"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("合并至")
    )
    response_due = models.DateTimeField(_("响应期限"))
    resolution_due = models.DateTimeField(_("办结期限"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    # Elapsed seconds to the first response and to the (last) closing, less the time paused:
    # the figures' medians and 90th percentiles are read from grouped buckets of these.
    response_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)
    deadline_met = models.BooleanField(null=True, blank=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("累计暂停（秒）"), default=0)
    waiting_reason = models.CharField(_("等待居民什么"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        constraints = [
            # Importing the same hotline file twice adds nothing.
            models.UniqueConstraint(
                fields=["district", "hotline_ticket"],
                condition=Q(hotline_ticket__isnull=False),
                name="desk_request_unique_ticket",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="desk_request_rating_1_5",
            ),
        ]
        indexes = [
            # lists of a community by status, newest first
            models.Index(fields=["community", "status", "created_at"]),
            # the assignee's own list
            models.Index(fields=["assignee", "status"]),
            # the sweep: open requests past a due time
            models.Index(fields=["status", "resolution_due"]),
            # figures by month
            models.Index(fields=["district", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:20]}"


class RequestPhoto(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="desk/%Y/%m/")

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return self.image.name


class RequestEvent(models.Model):
    """A step of a request's history: a phrase code with parameters, rendered when read."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    # What a person wrote into the event (a reason, what was done, a call-back's note), also in
    # ``params``: kept apart so that it is known as people's words, not system text.
    note = models.CharField(max_length=2000, blank=True)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]  # a request's timeline

    def __str__(self) -> str:
        return self.code


class CallBack(models.Model):
    """回访: a social worker calls a resident after the request closed."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="callbacks")
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("社工"))
    reached = models.BooleanField(_("已联系上"), default=True)
    satisfied = models.BooleanField(_("满意"), null=True)
    note = models.CharField(_("记录"), max_length=300, blank=True)
    at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")

    def __str__(self) -> str:
        return f"#{self.request_id} {self.at:%Y-%m-%d}"


class HotlineImport(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("文件名"), max_length=200)
    imported_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rows = models.PositiveIntegerField(_("行数"), default=0)
    added = models.PositiveIntegerField(_("新增"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    refused = models.PositiveIntegerField(_("拒收"), default=0)
    report = models.JSONField(_("逐行报告"), default=list)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("12345热线导入")
        verbose_name_plural = _("12345热线导入")

    def __str__(self) -> str:
        return self.filename


class Open311Client(models.Model):
    """A client system allowed to post requests through Open311 (the hotline system, a civic app).
    The key is never stored: it is derived from the site's secret and ``salt``, only its hash is
    kept for lookup, so ``manage.py open311_key <name>`` can print it again."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    name = models.SlugField(_("名称"), max_length=40, unique=True)
    salt = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")

    def __str__(self) -> str:
        return self.name


# --- stairwell lighting files (亮灯档案) -------------------------------------------------------

LIGHTING_ITEM_CODE = "stairwell-light"  # the catalogue item 楼道亮灯: its requests feed the files


class LampType(models.TextChoices):
    LED = "led", _("LED灯")
    FLUORESCENT = "fluorescent", _("节能灯")
    INCANDESCENT = "incandescent", _("白炽灯")


class Maintainer(models.TextChoices):
    PROPERTY = "property", _("物业公司")
    COMMUNITY = "community", _("社区")
    DEPARTMENT = "department", _("职能部门")


class LightState(models.TextChoices):
    LIT = "lit", _("正常亮灯")
    FAULTY = "faulty", _("部分故障")
    DARK = "dark", _("不亮")


class LightingFile(models.Model):
    """亮灯档案: one per stairwell — its lamps, who maintains them and their state since when.
    ``open_faults`` counts the lighting requests of the stairwell not yet closed."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    stairwell = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("楼道"))
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    lamps = models.PositiveSmallIntegerField(_("灯数"), default=1)
    lamp_type = models.CharField(_("灯型"), max_length=14, choices=LampType.choices, default=LampType.LED)
    sensor = models.BooleanField(_("声控/感应"), default=True)
    maintainer = models.CharField(
        _("维护方"), max_length=12, choices=Maintainer.choices, default=Maintainer.PROPERTY
    )
    state = models.CharField(_("状态"), max_length=8, choices=LightState.choices, default=LightState.LIT)
    state_since = models.DateTimeField(_("状态起始"))
    open_faults = models.PositiveSmallIntegerField(_("未修故障"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("亮灯档案")
        verbose_name_plural = _("亮灯档案")
        constraints = [
            models.UniqueConstraint(fields=["district", "stairwell"], name="desk_lighting_one_per_stairwell")
        ]
        indexes = [
            # the list of dark stairwells of a place, oldest first
            models.Index(fields=["district", "state", "state_since"]),
        ]

    def __str__(self) -> str:
        return f"{self.stairwell} · {self.get_state_display()}"


class LightingLogKind(models.TextChoices):
    FAULT = "fault", _("报修")
    REPAIR = "repair", _("修复")
    CHECK = "check", _("巡查")


class LightingLog(models.Model):
    """The fault and repair log of a stairwell: fed by the lighting requests (a request opens a
    fault, closing it records the repair) and by the staff's own checks."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey(LightingFile, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(_("类型"), max_length=8, choices=LightingLogKind.choices)
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("之后状态"), max_length=8, choices=LightState.choices)
    note = models.CharField(_("记录"), max_length=300, blank=True)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("亮灯记录")
        verbose_name_plural = _("亮灯记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["file", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


# --- hot spots' proposals (热点 → 一键立项) ----------------------------------------------------


class ProposalKind(models.TextChoices):
    # one of each, in the context of a hot spot ("start a micro-wish"): not the apps' nav labels
    WISH = "wish", pgettext_lazy("hot spot proposal", "微心愿")
    PROJECT = "project", pgettext_lazy("hot spot proposal", "书记项目")
    TOPIC = "topic", pgettext_lazy("hot spot proposal", "点题")


class HotSpotProposal(models.Model):
    """What the secretary started from a hot spot — the same category recurring at a place
    (stairwell, building, grid) in a period of whole months: a micro-wish, a secretary project
    application or a talk topic. A hot spot is proposed at most once per kind (the constraint;
    the service checks first and says so)."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    place = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地点"))
    category = models.CharField(_("类别"), max_length=20, choices=ServiceCategory.choices)
    period_start = models.DateField(_("起始月"))
    period_end = models.DateField(_("截止（不含）"))
    kind = models.CharField(_("立项方式"), max_length=10, choices=ProposalKind.choices)
    requests = models.PositiveIntegerField(_("诉求数"), default=0)
    title = models.CharField(_("题目"), max_length=80)
    wish = models.ForeignKey(
        "wishes.Wish",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("微心愿"),
    )
    project = models.ForeignKey(
        "mechanisms.SecretaryProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("书记项目"),
    )
    topic = models.ForeignKey(
        "talks.TalkTopic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("点题"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"))

    class Meta:
        verbose_name = _("热点立项")
        verbose_name_plural = _("热点立项")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "place", "category", "period_start", "period_end", "kind"],
                name="desk_hot_spot_proposed_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="wish", wish__isnull=False, project__isnull=True, topic__isnull=True)
                    | Q(kind="project", wish__isnull=True, project__isnull=False, topic__isnull=True)
                    | Q(kind="topic", wish__isnull=True, project__isnull=True, topic__isnull=False)
                ),
                name="desk_hot_spot_proposal_one_target",
            ),
        ]
        indexes = [models.Index(fields=["district", "community", "period_start"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"


# --- a request split into tasks (诉求分解为任务) -------------------------------------------------


class TaskState(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")


class RequestTask(models.Model):
    """A part of a request's work given to one assignee — a social worker of the community, a
    team of the volunteer alliance, or a department (its inbox) — with a due time counted in
    working days. The request cannot be closed while one is open."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("诉求")
    )
    text = models.CharField(_("任务"), max_length=300)
    worker = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("社工")
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("团队"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("部门")
    )
    due_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    due_at = models.DateTimeField(_("完成期限"))
    state = models.CharField(_("状态"), max_length=6, choices=TaskState.choices, default=TaskState.OPEN)
    note = models.CharField(_("完成说明"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("完成人")
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("分派人")
    )
    created_at = models.DateTimeField(_("分派时间"))

    class Meta:
        verbose_name = _("诉求任务")
        verbose_name_plural = _("诉求任务")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(worker__isnull=False, team__isnull=True, department__isnull=True)
                    | Q(worker__isnull=True, team__isnull=False, department__isnull=True)
                    | Q(worker__isnull=True, team__isnull=True, department__isnull=False)
                ),
                name="desk_task_one_assignee",
            ),
        ]
        indexes = [
            # a department's inbox and a worker's own list: open tasks by due time
            models.Index(fields=["district", "department", "state", "due_at"]),
            models.Index(fields=["district", "worker", "state", "due_at"]),
            models.Index(fields=["request", "state"]),
        ]

    def __str__(self) -> str:
        return self.text[:40]
