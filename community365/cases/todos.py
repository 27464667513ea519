"""Mediation and the clinic on the home page's to-do block (see community365.core.todos)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community365.core import permissions, todos

from . import policies
from .models import CaseStatus, SessionStatus


@todos.provider(order=40)
def cases_todos(user: Any) -> Iterator[todos.Item]:
    if permissions.scope_grants(user, policies.MEDIATE.name):
        yield todos.Count(
            "cases.queue",
            _("协会待受理的调解案件"),
            policies.queue_for(user).count(),
            reverse("mediation_queue"),
        )
        yield todos.Count(
            "cases.mine",
            _("我正在调解的案件"),
            policies.mediations_visible_to(user)
            .filter(Q(mediator_id=user.pk) | Q(co_mediator_id=user.pk), status=CaseStatus.ACCEPTED)
            .count(),
            reverse("mediation_list") + f"?status={CaseStatus.ACCEPTED}&mine=1",
        )
    if permissions.scope_grants(user, policies.MANAGE.name):
        yield todos.Count(
            "cases.to_assign",
            _("待分派的调解案件"),
            policies.mediations_visible_to(user).filter(status=CaseStatus.REGISTERED).count(),
            reverse("mediation_list") + f"?status={CaseStatus.REGISTERED}",
        )
    if permissions.scope_grants(user, policies.LAWYER_VIEW.name):
        soon = timezone.now() + datetime.timedelta(days=31)
        yield todos.Count(
            "cases.clinic_duty",
            _("我近期的法律工作室坐诊"),
            policies.sessions_visible_to(user)
            .filter(
                lawyer_id=user.pk,
                status=SessionStatus.PLANNED,
                ends_at__gte=timezone.now(),
                starts_at__lt=soon,
            )
            .count(),
            reverse("clinic_home") + "?duty=1",
        )
