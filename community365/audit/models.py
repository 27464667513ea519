"""The append-only audit trail: who, acting in which role, did what to which object, when,
from where, with what result. Rows are only ever inserted; no interface edits or deletes them
(the model refuses it, the admin is read-only, the API has no write), and below the ORM the
database refuses it too (triggers, migration 0004). Old rows leave only through
``manage.py audit_archive`` (see ``archive.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditResult(models.TextChoices):
    OK = "ok", _("成功")
    REFUSED = "refused", _("被拒绝")
    FAILED = "failed", _("失败")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        # The trail keeps a deleted account's id (and its label); it is never updated.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    # Copies, so that the trail reads the same even if an account is renamed.
    actor_label = models.CharField(_("操作人账号"), max_length=150, db_index=True)
    acting_role = models.CharField(_("身份"), max_length=40, blank=True)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    district_id = models.BigIntegerField(_("区"), null=True, blank=True, db_index=True)
    region_path = models.CharField(_("位置"), max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=10, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=AuditResult.choices, default=AuditResult.OK)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Failed sign-ins per address (the password-spraying throttle).
            models.Index(fields=["ip", "occurred_at"], name="audit_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")
