"""Micro-wishes (微心愿), their claims, their history, and the charity market (公益集市).

The lifecycle of a wish is the table in ``states.py``; ``services.py`` is the only writer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core.masking import mask_name
from community365.people.models import Person
from community365.regions.models import Organisation, Region


class ServiceCategory(models.TextChoices):
    """The six services (六服务)."""

    PARTY_BUILDING = "party_building", _("区域党建服务")
    CONVENIENCE = "convenience", _("综合便民服务")
    SMART_INFO = "smart_info", _("智慧信息服务")
    PUBLIC_WELFARE = "public_welfare", _("社会公益服务")
    TAILORED_CARE = "tailored_care", _("特色精细服务")
    SHARED_CULTURE = "shared_culture", _("共享文化服务")


class WishStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")
    SCHEDULED = "scheduled", _("待发布")
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    DELIVERED = "delivered", _("已送达")
    CONFIRMED = "confirmed", _("已圆梦")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已过期")


class CharityMarket(models.Model):
    """A district or subdistrict event: a batch of approved wishes goes live at one moment."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办区域"))
    name = models.CharField(_("名称"), max_length=100)
    opens_at = models.DateTimeField(_("开市时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    opened_at = models.DateTimeField(_("实际开市"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    invited_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("受邀组织")
    )
    invited_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("受邀干部")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公益集市")
        verbose_name_plural = _("公益集市")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.name


class Wish(models.Model):
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # The wisher's community; ``region`` names it too so that scope filters and the audit trail
    # treat a wish like every other row placed on the tree.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("社区")
    )
    wisher = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("心愿人")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("代录人"),
    )
    title = models.CharField(_("心愿"), max_length=60)
    reason = models.CharField(_("缘由"), max_length=300, blank=True)
    value_yuan = models.PositiveIntegerField(_("估计价值（元）"), default=0)
    category = models.CharField(_("服务类别"), max_length=20, choices=ServiceCategory.choices)
    wanted_by = models.DateField(_("希望实现日期"), null=True, blank=True)
    photo = models.FileField(_("照片"), upload_to="wishes/%Y/%m", blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=WishStatus.choices, default=WishStatus.DRAFT, db_index=True
    )
    status_reason = models.CharField(_("最近一次说明"), max_length=300, blank=True)
    market = models.ForeignKey(
        CharityMarket,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wishes",
        verbose_name=_("公益集市"),
    )
    publish_at = models.DateTimeField(_("定时发布"), null=True, blank=True)
    # The current claim, held on the wish's own row so that "exactly one claimant wins" is one
    # conditional UPDATE of this row.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("认领人"),
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    # Milestones, kept when the wish moves on (figures are counted from them).
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    first_claimed_at = models.DateTimeField(_("首次认领"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    delivery_note = models.CharField(_("送达说明"), max_length=300, blank=True)
    delivery_photo = models.FileField(_("送达照片"), upload_to="wishes/%Y/%m", blank=True)
    thanks = models.CharField(_("感谢语"), max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    # "没收到 / 有问题": the wisher (or their social worker) reports that a delivered wish did
    # not arrive as told; the community's social workers see it on the wish and in their queue
    # until the wish is confirmed.
    problem_reported_at = models.DateTimeField(_("反映问题时间"), null=True, blank=True)
    problem_note = models.CharField(_("反映的问题"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["claimed_by", "status"]),
            # The board's order (selectors.wish_search): a page is read down this index until it
            # has its rows, instead of sorting every wish of the district for each page.
            models.Index(fields=["-published_at", "-created_at", "-id"], name="wish_board_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="wish_rating_1_to_5",
            ),
            # A wish that is claimed (or delivered) always names its claimant, and no other wish
            # state does.
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=["claimed", "delivered"], claimed_by__isnull=False)
                    | (~models.Q(status__in=["claimed", "delivered"]) & models.Q(claimed_by__isnull=True))
                    | models.Q(status="confirmed")
                ),
                name="wish_claimed_has_claimant",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def wisher_masked(self) -> str:
        return mask_name(self.wisher.name)

    @property
    def community(self) -> Region:
        return self.region


class Claim(models.Model):
    """One claimant's hold on a wish. At most one claim per wish is active (database constraint)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("进行中")
        FULFILLED = "fulfilled", _("已完成")
        RELEASED = "released", _("已放弃")
        LAPSED = "lapsed", _("已失效")

    wish = models.ForeignKey(Wish, on_delete=models.PROTECT, related_name="claims", verbose_name=_("微心愿"))
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="wish_claims",
        verbose_name=_("认领人"),
    )
    claimant_role = models.CharField(_("认领身份"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    claimed_at = models.DateTimeField(_("认领时间"))
    contacted_at = models.DateTimeField(_("联系时间"), null=True, blank=True)
    warned_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The claimant's words when releasing; a lapse writes nothing here (its reason is the
    # status itself, rendered in the reader's language).
    end_reason = models.CharField(_("结束原因"), max_length=300, blank=True)
    # The contact path (docs/wishes.md "Contact after a claim"): the claimant asks the
    # community's social workers to put them in touch; the wisher or a social worker then
    # shares the wisher's phone with this claimant, for as long as this claim is active.
    contact_requested_at = models.DateTimeField(_("请求联系时间"), null=True, blank=True)
    phone_shared_at = models.DateTimeField(_("告知电话时间"), null=True, blank=True)
    phone_shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("告知人"),
    )

    class Meta:
        verbose_name = _("认领")
        verbose_name_plural = _("认领")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "wish"],
                condition=models.Q(status="active"),
                name="claim_one_active_per_wish",
            )
        ]
        indexes = [models.Index(fields=["claimant", "status"])]

    def __str__(self) -> str:
        return f"{self.wish_id} · {self.claimant}"

    @property
    def region(self) -> Region:
        return self.wish.region


class OrganisationAccount(models.Model):
    """A login that acts for an organisation (两新组织 etc.) when it claims wishes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organisation_account"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accounts")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("组织账号")
        verbose_name_plural = _("组织账号")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.user}"


class WishEvent(models.Model):
    """The wish's own history as its people see it (the audit trail holds the full record).

    ``code`` is a registered phrase (``wishes/phrases.py``) and ``params`` its parameters, so a
    row reads in the reader's language; ``params["note"]`` is either what a person wrote (a
    reason, a thank-you) or, for a note the system writes, a phrase parameter. ``note`` keeps
    the person's words as written, for the audit and the admin."""

    wish = models.ForeignKey(Wish, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("动作"), max_length=20)
    code = models.CharField(_("记录代码"), max_length=60, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("心愿记录")
        verbose_name_plural = _("心愿记录")

    def __str__(self) -> str:
        return f"{self.wish_id} {self.action}"

    @property
    def label(self) -> str:
        """What happened, in the reader's language."""
        from community365.core.phrases import render

        from .phrases import event_code

        return render(self.code or event_code(self.action), self.params)

    @property
    def note_text(self) -> str:
        """The note in the reader's language: a system note is rendered, a person's words are
        shown as written."""
        from community365.core.phrases import render

        note = (self.params or {}).get("note")
        if isinstance(note, dict) and "phrase" in note:
            return render(str(note["phrase"]), note.get("params") or {})
        return str(note) if note else self.note
