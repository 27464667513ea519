"""党员联动: party members and units reporting to their community (双报到), posts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition
from community365.notifications.services import notify
from community365.people.models import User
from community365.regions.models import COMMUNITY_KINDS, Organisation, Region

from .. import phrases, policies
from ..models import (
    PartyMember,
    ReportingStatus,
    ServiceKind,
    UnitReport,
)
from ._common import _district_of, _now, _text


@service("teams.party_member:register")
def party_member_register(
    *,
    actor: Any,
    user: User,
    community: Region,
    party_organisation: str,
    unit: Organisation | None = None,
    in_service: bool = True,
    posts: Iterable[ServiceKind] = (),
) -> PartyMember:
    """A party member reports to the community where they live (双报到); the community confirms."""
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("请选择居住的社区。"), field="community")
    if getattr(actor, "pk", None) != user.pk:
        permissions.require_at(actor, policies.PARTY_CONFIRM.name, community.path)
    if in_service and unit is None:
        raise InvalidInput(_("在职党员请填写工作单位。"), field="unit")
    if PartyMember.objects.filter(user=user).exists():
        raise Conflict(_("已经报到过了。"))
    member = PartyMember.objects.create(
        user=user,
        region=community,
        district_id=_district_of(community),
        party_organisation=_text(party_organisation, "party_organisation", 120),
        unit=unit,
        in_service=in_service,
    )
    member.posts.set(list(posts))
    audit_record(actor=actor, action="teams.party_member:register", target=member)
    return member


@service("teams.party_member:decide")
def party_member_decide(
    *, actor: Any, member: PartyMember, confirm: bool, now: datetime.datetime | None = None
) -> PartyMember:
    role = permissions.require_at(actor, policies.PARTY_CONFIRM.name, member.region.path)
    status = ReportingStatus.CONFIRMED if confirm else ReportingStatus.DECLINED
    if not PartyMember.objects.filter(pk=member.pk, status=ReportingStatus.REGISTERED).update(
        status=status,
        decided_at=_now(actor, now),
        decided_by=None if isinstance(actor, SystemActor) else actor,
    ):
        raise InvalidTransition(_("该党员的报到已处理过。"))
    member.refresh_from_db()
    audit_record(
        actor=actor, action="teams.party_member:decide", target=member, role=role, changes={"status": status}
    )
    notify(
        recipient_id=member.user_id,
        code=phrases.PARTY_CONFIRMED if confirm else phrases.PARTY_DECLINED,
        params={"community": member.region.name},
        url="/teams/party/",
    )
    return member


@service("teams.party_member:set_posts")
def party_member_set_posts(*, actor: Any, member: PartyMember, posts: Iterable[ServiceKind]) -> PartyMember:
    if getattr(actor, "pk", None) != member.user_id:
        permissions.require_at(actor, policies.PARTY_CONFIRM.name, member.region.path)
    chosen = list(posts)
    if any(p.district_id != member.district_id for p in chosen):
        raise InvalidInput(_("岗位不属于本区。"), field="posts")
    member.posts.set(chosen)
    audit_record(
        actor=actor,
        action="teams.party_member:set_posts",
        target=member,
        changes={"posts": [p.code for p in chosen]},
    )
    return member


@service("teams.unit_report:register")
def unit_report_register(
    *, actor: Any, organisation: Organisation, community: Region, note: str = ""
) -> UnitReport:
    if community.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("请选择社区。"), field="community")
    role = permissions.require_at(actor, policies.PARTY_VIEW.name, community.path)
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(
                organisation=organisation,
                region=community,
                district_id=_district_of(community),
                note=_text(note, "note", 200, required=False),
            )
    except IntegrityError:
        raise Conflict(_("该单位已向这个社区报到。")) from None
    audit_record(actor=actor, action="teams.unit_report:register", target=report, role=role)
    return report


@service("teams.unit_report:decide")
def unit_report_decide(*, actor: Any, report: UnitReport, confirm: bool) -> UnitReport:
    role = permissions.require_at(actor, policies.PARTY_CONFIRM.name, report.region.path)
    status = ReportingStatus.CONFIRMED if confirm else ReportingStatus.DECLINED
    if not UnitReport.objects.filter(pk=report.pk, status=ReportingStatus.REGISTERED).update(
        status=status, decided_at=timezone.now(), decided_by=None if isinstance(actor, SystemActor) else actor
    ):
        raise InvalidTransition(_("该单位的报到已处理过。"))
    report.refresh_from_db()
    audit_record(
        actor=actor, action="teams.unit_report:decide", target=report, role=role, changes={"status": status}
    )
    return report
