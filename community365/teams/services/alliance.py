"""志愿联盟: service kinds, teams, activities, sign-up with the waiting list, check-in and check-out."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from community365.notifications.services import notify
from community365.people.models import User
from community365.regions.models import Region

from .. import phrases, policies, rules
from ..models import (
    Activity,
    ActivityStatus,
    Colour,
    MemberRole,
    RecordSource,
    ServiceKind,
    ServiceRecord,
    Signup,
    SignupStatus,
    Team,
    TeamKind,
    TeamMembership,
)
from ._common import _district_of, _now, _text


@service("teams.service_kind:define")
def service_kind_define(
    *, actor: Any, district: Region, code: str, name: str, colour: str = "", description: str = ""
) -> ServiceKind:
    role = permissions.require_at(actor, policies.TEAM_MANAGE.name, district.path)
    if district.kind != "district":
        raise InvalidInput(_("服务类别由区定义。"), field="district")
    if colour and colour not in Colour.values:
        raise InvalidInput(_("未知的颜色。"), field="colour")
    try:
        with transaction.atomic():
            kind = ServiceKind.objects.create(
                district=district,
                code=_text(code, "code", 30),
                name=_text(name, "name", 60),
                colour=colour,
                description=_text(description, "description", 200, required=False),
            )
    except IntegrityError:
        raise Conflict(_("编码已被使用。"), field="code") from None
    audit_record(
        actor=actor, action="teams.service_kind:define", target=kind, role=role, district_id=district.pk
    )
    return kind


@service("teams.team:create")
def team_create(
    *,
    actor: Any,
    region: Region,
    name: str,
    kind: str,
    colour: str = "",
    service_kind: ServiceKind | None = None,
    description: str = "",
) -> Team:
    role = permissions.require_at(actor, policies.TEAM_MANAGE.name, region.path)
    if kind not in TeamKind.values:
        raise InvalidInput(_("未知的队伍类型。"), field="kind")
    if (kind == TeamKind.COLOUR) != bool(colour):
        raise InvalidInput(_("七彩服务队须选颜色，其他队伍不选颜色。"), field="colour")
    if colour and colour not in Colour.values:
        raise InvalidInput(_("未知的颜色。"), field="colour")
    if region.kind not in ("subdistrict", "community", "cooperative", "district"):
        raise InvalidInput(_("队伍须设在区、街道或社区。"), field="region")
    try:
        with transaction.atomic():
            team = Team.objects.create(
                region=region,
                district_id=_district_of(region),
                name=_text(name, "name", 80),
                kind=kind,
                colour=colour,
                service_kind=service_kind,
                description=_text(description, "description", 300, required=False),
            )
    except IntegrityError:
        raise Conflict(_("这里已有同名的队伍。"), field="name") from None
    audit_record(actor=actor, action="teams.team:create", target=team, role=role)
    return team


@service("teams.team:add_member")
def team_add_member(*, actor: Any, team: Team, user: User, role: str = MemberRole.MEMBER) -> TeamMembership:
    """Leaders add members; appointing a leader needs the place's team manager. A volunteer may
    join a team themself."""
    if role not in MemberRole.values:
        raise InvalidInput(_("未知的职务。"), field="role")
    joining_self = getattr(actor, "pk", None) == user.pk and role == MemberRole.MEMBER
    if role == MemberRole.LEADER:
        permissions.require_at(
            actor, policies.TEAM_MANAGE.name, team.region.path, _("只有社区书记或上级可以任命队长。")
        )
    elif not joining_self and not policies.may_lead(actor, team):
        raise NotAllowed(_("只有队长可以添加队员。"))
    try:
        with transaction.atomic():
            membership = TeamMembership.objects.create(
                team=team, user=user, role=role, region_id=team.region_id, district_id=team.district_id
            )
    except IntegrityError:
        raise Conflict(_("已经是这支队伍的成员。")) from None
    audit_record(
        actor=actor,
        action="teams.team:add_member",
        target=membership,
        changes={"user": user.username, "role": role},
    )
    return membership


@service("teams.team:leave")
def team_leave(*, actor: Any, membership: TeamMembership) -> TeamMembership:
    if getattr(actor, "pk", None) != membership.user_id and not policies.may_lead(actor, membership.team):
        raise NotAllowed(_("只有本人或队长可以办理退出。"))
    if not TeamMembership.objects.filter(pk=membership.pk, left_at__isnull=True).update(
        left_at=timezone.now()
    ):
        raise InvalidTransition(_("已经退出了。"))
    membership.refresh_from_db()
    audit_record(actor=actor, action="teams.team:leave", target=membership)
    return membership


# === 志愿联盟: activities and sign-up ===========================================================


@service("teams.activity:create")
def activity_create(
    *,
    actor: Any,
    team: Team,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    place: str = "",
    needs: str = "",
    service_kind: ServiceKind | None = None,
    allow_waitlist: bool = True,
    organiser: User | None = None,
    now: datetime.datetime | None = None,
) -> Activity:
    if not policies.may_lead(actor, team):
        raise NotAllowed(_("只有队长可以发布这支队伍的活动。"))
    moment = _now(actor, now)
    # A time without an offset is read in the district's time zone (Asia/Shanghai).
    tz = timezone.get_current_timezone()
    starts_at = timezone.make_aware(starts_at, tz) if timezone.is_naive(starts_at) else starts_at
    ends_at = timezone.make_aware(ends_at, tz) if timezone.is_naive(ends_at) else ends_at
    if ends_at <= starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="ends_at")
    if ends_at - starts_at > datetime.timedelta(hours=24):
        raise InvalidInput(_("一次活动最长 24 小时。"), field="ends_at")
    if starts_at < moment - datetime.timedelta(hours=1):
        raise InvalidInput(_("开始时间已经过去。"), field="starts_at")
    if not 1 <= capacity <= 1000:
        raise InvalidInput(_("名额须在 1 到 1000 之间。"), field="capacity")
    if organiser is None:
        if isinstance(actor, SystemActor):
            raise InvalidInput(_("请指定组织者。"), field="organiser")
        organiser = actor
    activity = Activity.objects.create(
        team=team,
        region_id=team.region_id,
        district_id=team.district_id,
        title=_text(title, "title", 100),
        service_kind=service_kind or team.service_kind,
        place=_text(place, "place", 120, required=False),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        allow_waitlist=allow_waitlist,
        needs=_text(needs, "needs", 300, required=False),
        checkin_code=f"{secrets.randbelow(10**6):06d}",
        organiser=organiser,
    )
    audit_record(actor=actor, action="teams.activity:create", target=activity)
    return activity


@service("teams.activity:cancel")
def activity_cancel(*, actor: Any, activity: Activity) -> Activity:
    if not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以取消活动。"))
    if not Activity.objects.filter(pk=activity.pk, status=ActivityStatus.OPEN).update(
        status=ActivityStatus.CANCELLED
    ):
        raise InvalidTransition(_("活动已取消。"))
    activity.refresh_from_db()
    audit_record(actor=actor, action="teams.activity:cancel", target=activity)
    for user_id in activity.signups.exclude(status=SignupStatus.CANCELLED).values_list(
        "volunteer_id", flat=True
    ):
        notify(
            recipient_id=user_id,
            code=phrases.ACTIVITY_CANCELLED,
            params={"title": activity.title},
            url=f"/teams/activities/{activity.pk}/",
        )
    return activity


@service("teams.activity:served")
def activity_set_served(*, actor: Any, activity: Activity, residents_served: int) -> Activity:
    if not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以填写服务人次。"))
    if not 0 <= residents_served <= 100_000:
        raise InvalidInput(_("服务人次不合理。"), field="residents_served")
    activity.residents_served = residents_served
    activity.save(update_fields=["residents_served"])
    audit_record(
        actor=actor,
        action="teams.activity:served",
        target=activity,
        changes={"residents_served": residents_served},
    )
    return activity


@service("teams.signup:create")
def signup_create(
    *, actor: Any, activity: Activity, volunteer: User | None = None, now: datetime.datetime | None = None
) -> Signup:
    """Sign up for an activity. The place is taken by a conditional UPDATE of the counter
    (``signed_up_count < capacity``) inside this transaction, so concurrent sign-ups never
    over-fill it; a unique constraint stops double sign-ups. Full ⇒ the waiting list."""
    volunteer = volunteer or actor
    if volunteer is None or isinstance(volunteer, SystemActor):
        raise InvalidInput(_("请指定志愿者。"), field="volunteer")
    if volunteer.pk != getattr(actor, "pk", None) and not policies.may_organise(actor, activity):
        raise NotAllowed(_("只能为自己报名。"))
    moment = _now(actor, now)
    if activity.status != ActivityStatus.OPEN:
        raise NotAllowed(_("活动已取消，不能报名。"))
    if activity.ends_at <= moment:
        raise NotAllowed(_("活动已结束，不能报名。"))
    existing = _existing_signup(activity, volunteer)
    if existing is not None and existing.status != SignupStatus.CANCELLED:
        raise _already_signed_up(existing)
    took_place = Activity.objects.filter(pk=activity.pk, signed_up_count__lt=F("capacity")).update(
        signed_up_count=F("signed_up_count") + 1
    )
    if took_place:
        status = SignupStatus.SIGNED_UP
    elif not activity.allow_waitlist:
        raise Conflict(_("名额已满。"), code="full")
    else:
        Activity.objects.filter(pk=activity.pk).update(waitlist_count=F("waitlist_count") + 1)
        status = SignupStatus.WAITLISTED
    if existing is not None:
        if not Signup.objects.filter(pk=existing.pk, status=SignupStatus.CANCELLED).update(
            status=status, queued_at=moment, checked_in_at=None, checked_out_at=None
        ):
            raise Conflict(_("您已报名这个活动。"))
        signup = Signup.objects.get(pk=existing.pk)
    else:
        try:
            with transaction.atomic():
                signup = Signup.objects.create(
                    activity=activity,
                    volunteer=volunteer,
                    status=status,
                    queued_at=moment,
                    region_id=activity.region_id,
                    district_id=activity.district_id,
                )
        except IntegrityError:
            # The same volunteer's other sign-up was committed after our read (two taps, two
            # devices): refuse as a sequential second sign-up is refused, naming what the
            # winner holds; the rollback of this transaction gives the counter back.
            raise _already_signed_up(_existing_signup(activity, volunteer)) from None
    audit_record(actor=actor, action="teams.signup:create", target=signup, changes={"status": status})
    return signup


def _existing_signup(activity: Activity, volunteer: User) -> Signup | None:
    """The volunteer's sign-up of the activity, in whatever state (at most one: a unique constraint)."""
    return Signup.objects.filter(activity=activity, volunteer=volunteer).first()


def _already_signed_up(existing: Signup | None) -> Conflict:
    """The refusal of a second sign-up: a waiting volunteer is told they are waiting."""
    if existing is not None and existing.status == SignupStatus.WAITLISTED:
        return Conflict(_("您已在候补名单中。"))
    return Conflict(_("您已报名这个活动。"))


@service("teams.signup:cancel")
def signup_cancel(*, actor: Any, signup: Signup) -> Signup:
    """Cancel a sign-up; a freed place goes to the first on the waiting list."""
    activity = signup.activity
    if getattr(actor, "pk", None) != signup.volunteer_id and not policies.may_organise(actor, activity):
        raise NotAllowed(_("只能取消自己的报名。"))
    if signup.checked_in_at is not None:
        raise InvalidTransition(_("已签到，不能取消报名。"))
    was = signup.status
    if (
        not Signup.objects.filter(pk=signup.pk, status=was)
        .exclude(status=SignupStatus.CANCELLED)
        .update(status=SignupStatus.CANCELLED)
    ):
        raise InvalidTransition(_("报名已取消。"))
    promoted = None
    if was == SignupStatus.SIGNED_UP:
        promoted = _promote_first_waiting(activity)
        if promoted is None:
            Activity.objects.filter(pk=activity.pk).update(signed_up_count=F("signed_up_count") - 1)
    else:
        Activity.objects.filter(pk=activity.pk).update(waitlist_count=F("waitlist_count") - 1)
    signup.refresh_from_db()
    audit_record(
        actor=actor,
        action="teams.signup:cancel",
        target=signup,
        changes={"was": was, "promoted": promoted.volunteer_id if promoted else None},
    )
    return signup


def _promote_first_waiting(activity: Activity) -> Signup | None:
    """Move the earliest waiting sign-up to the freed place (it keeps the counter unchanged)."""
    for candidate in Signup.objects.filter(activity=activity, status=SignupStatus.WAITLISTED).order_by(
        "queued_at", "id"
    )[:20]:
        if Signup.objects.filter(pk=candidate.pk, status=SignupStatus.WAITLISTED).update(
            status=SignupStatus.SIGNED_UP
        ):
            Activity.objects.filter(pk=activity.pk).update(waitlist_count=F("waitlist_count") - 1)
            notify(
                recipient_id=candidate.volunteer_id,
                code=phrases.WAITLIST_PROMOTED,
                params={"title": activity.title},
                url=f"/teams/activities/{activity.pk}/",
            )
            return candidate
    return None


def _check_code(activity: Activity, code: str | None) -> None:
    if not code or not secrets.compare_digest(str(code).strip(), activity.checkin_code):
        raise NotAllowed(_("签到码不正确。"))


@service("teams.signup:check_in")
def signup_check_in(
    *, actor: Any, signup: Signup, code: str | None = None, now: datetime.datetime | None = None
) -> Signup:
    """The organiser checks a volunteer in, or the volunteer does with the code shown at the venue."""
    return _check_in(actor, signup, code, now)


@service("teams.signup:check_in")
def signup_self_check_in(
    *, actor: Any, activity: Activity, code: str | None, now: datetime.datetime | None = None
) -> Signup:
    """The volunteer checks in with the venue code. Not signed up ⇒ ``NotFound``, recorded as
    a refusal like a wrong code (a probe for codes leaves a trail)."""
    return _check_in(actor, _own_signup(actor, activity), code, now)


def _own_signup(actor: Any, activity: Activity) -> Signup:
    signup = (
        Signup.objects.filter(activity=activity, volunteer_id=getattr(actor, "pk", None))
        .select_related("activity", "activity__region", "activity__team", "volunteer")
        .first()
    )
    if signup is None:
        raise NotFound(_("您没有报名这个活动。"))
    return signup


def _check_in(actor: Any, signup: Signup, code: str | None, now: datetime.datetime | None) -> Signup:
    activity = signup.activity
    moment = _now(actor, now)
    by_self = getattr(actor, "pk", None) == signup.volunteer_id and not policies.may_organise(actor, activity)
    if by_self:
        _check_code(activity, code)
        if not activity.starts_at - datetime.timedelta(hours=1) <= moment <= activity.ends_at:
            raise NotAllowed(_("不在活动时间内，不能自助签到。"))
    elif not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以为他人签到。"))
    if not Signup.objects.filter(
        pk=signup.pk, status=SignupStatus.SIGNED_UP, checked_in_at__isnull=True
    ).update(checked_in_at=moment):
        raise InvalidTransition(_("未报名成功或已签到。"))
    signup.refresh_from_db()
    audit_record(actor=actor, action="teams.signup:check_in", target=signup)
    return signup


@service("teams.signup:check_out")
def signup_check_out(
    *, actor: Any, signup: Signup, code: str | None = None, now: datetime.datetime | None = None
) -> Signup:
    """Check out; the hours between check-in and check-out become a pending service record."""
    return _check_out(actor, signup, code, now)


@service("teams.signup:check_out")
def signup_self_check_out(
    *, actor: Any, activity: Activity, code: str | None, now: datetime.datetime | None = None
) -> Signup:
    """The volunteer checks out with the venue code; not signed up ⇒ a recorded ``NotFound``."""
    return _check_out(actor, _own_signup(actor, activity), code, now)


def _check_out(actor: Any, signup: Signup, code: str | None, now: datetime.datetime | None) -> Signup:
    activity = signup.activity
    moment = _now(actor, now)
    by_self = getattr(actor, "pk", None) == signup.volunteer_id and not policies.may_organise(actor, activity)
    if by_self:
        _check_code(activity, code)
    elif not policies.may_organise(actor, activity):
        raise NotAllowed(_("只有组织者可以为他人签退。"))
    if signup.checked_in_at is None:
        raise InvalidTransition(_("还没有签到。"))
    if moment <= signup.checked_in_at:
        raise InvalidInput(_("签退时间须晚于签到时间。"))
    if not Signup.objects.filter(pk=signup.pk, checked_out_at__isnull=True).update(checked_out_at=moment):
        raise InvalidTransition(_("已经签退。"))
    signup.refresh_from_db()
    assert signup.checked_in_at is not None and signup.checked_out_at is not None
    if not ServiceRecord.objects.filter(activity=activity, volunteer_id=signup.volunteer_id).exists():
        ServiceRecord.objects.create(
            activity=activity,
            volunteer_id=signup.volunteer_id,
            region_id=activity.region_id,
            district_id=activity.district_id,
            hours=rules.checked_hours(signup.checked_in_at, signup.checked_out_at),
            entered_by_id=activity.organiser_id,
            entered_at=moment,
            source=RecordSource.CHECKOUT,
        )
    audit_record(actor=actor, action="teams.signup:check_out", target=signup)
    return signup
