"""The in-app inbox. Every notification is first a row here; SMS or e-mail copies are sent
through the configured channels (see ``channels.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from community365.core.phrases import is_registered, render


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    # The message is stored as a phrase code (``kind``) with parameters and rendered in the
    # reader's language (``core.phrases``); ``title``/``body`` hold only rows written before codes.
    kind = models.CharField(_("类别"), max_length=40)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=120, blank=True)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title_text

    @property
    def title_text(self) -> str:
        """The title in the active language (a legacy row keeps its stored sentence)."""
        if is_registered(self.kind):
            return render(self.kind, self.params)
        return self.title or self.kind

    @property
    def body_text(self) -> str:
        body_code = f"{self.kind}.body"
        if is_registered(body_code):
            return render(body_code, self.params)
        return self.body
