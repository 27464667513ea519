"""Accounts, roles on places, API tokens and the resident record (Person)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core.masking import mask_name, mask_phone
from community365.core.roles import Role
from community365.regions.models import Department, Household, Region


class User(AbstractUser):
    """A login. The person behind it (if a resident) is the linked ``Person``."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_name(self) -> str:
        return mask_name(self.display_name) if self.display_name else self.username


class RoleAssignment(models.Model):
    """A role held at a node of the region tree. Revoked rows are kept (history)."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("账号")
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("区域"))
    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
        verbose_name=_("部门"),
    )
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "user", "role", "region"],
                condition=models.Q(revoked_at__isnull=True),
                name="role_assignment_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.region}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("账号")
    )
    name = models.CharField(_("用途"), max_length=60, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    UNKNOWN = "U", _("未填")


class Person(models.Model):
    """The resident record. ID-card numbers are never stored in clear: a keyed hash serves
    de-duplication, the last four characters serve display."""

    district = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区"))
    # The most specific place: the household's stairwell, else the community.
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="persons", verbose_name=_("区域")
    )
    community = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"))
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("户"),
    )
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="person", verbose_name=_("账号")
    )
    name = models.CharField(_("姓名"), max_length=60)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True, db_index=True)
    id_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_last4 = models.CharField(_("证件号后四位"), max_length=4, blank=True, editable=False)
    is_elderly = models.BooleanField(_("高龄"), default=False)
    is_disabled = models.BooleanField(_("残障"), default=False)
    is_migrant_worker = models.BooleanField(_("外来务工"), default=False)
    in_difficulty = models.BooleanField(_("困难"), default=False)
    lives_alone = models.BooleanField(_("独居"), default=False)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("核实人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "id_hash"],
                condition=models.Q(id_hash__isnull=False),
                name="person_unique_id",
            )
        ]
        indexes = [
            models.Index(fields=["community", "name"]),
            # The resident search's order (people.selectors.person_search): a page is read from
            # the index, not sorted after joining the places and households.
            models.Index(fields=["community", "household", "id"], name="person_search_order"),
            # Residents who need attention (a few in a hundred): pairing's "to pair" list and its
            # figures start from these rows, per community, without reading the others.
            models.Index(
                fields=["community", "household"],
                condition=models.Q(in_difficulty=True)
                | models.Q(lives_alone=True)
                | models.Q(is_disabled=True),
                name="person_attention",
            ),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def tags(self) -> list[str]:
        labels = []
        for field in ("is_elderly", "is_disabled", "is_migrant_worker", "in_difficulty", "lives_alone"):
            if getattr(self, field):
                labels.append(str(getattr(self._meta.get_field(field), "verbose_name", field)))
        return labels


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)
