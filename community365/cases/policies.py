"""Who sees and does what with mediation cases and the legal clinic.

A mediation case is confidential: its parties, sessions and agreement are seen only by the
case's mediators, the community's secretary and the district's justice officers
(``mediations_visible_to``). Everybody else with a figures role sees counts only. A case not
visible is a 404; visible but not allowed is a 422 with a reason."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from community365.core import permissions
from community365.core.errors import NotAllowed, NotFound
from community365.core.roles import Role

from .models import (
    CaseStatus,
    ClinicBooking,
    ClinicSession,
    Consultation,
    DepartmentReferral,
    LegalClinic,
    MediationCase,
    Outcome,
)

# The secretary of the case's community: registers, assigns, reads the whole case.
MANAGE = permissions.register(
    "cases.mediation:manage",
    {Role.COMMUNITY_SECRETARY},
    "Register mediation cases of the community, assign mediators and read the cases",
)
# The district justice bureau's oversight: reads every case of the district (names masked).
OVERSEE = permissions.register(
    "cases.mediation:oversee",
    {Role.JUSTICE_OFFICER},
    "Read every mediation case of the district (oversight of people's mediation)",
)
# A mediator of the association: takes cases from the queue of the places the role covers.
MEDIATE = permissions.register(
    "cases.mediation:mediate",
    {Role.MEDIATOR},
    "Take mediation cases from the association's queue and mediate them",
)
# Who may register a case that came to them (a party asked them, they refer one).
REGISTER = permissions.register(
    "cases.mediation:register",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER, Role.MEDIATOR},
    "Register a mediation case of the community",
)
FIGURES = permissions.register(
    "cases.figures:view",
    {
        Role.DISTRICT_ADMIN,
        Role.SUBDISTRICT_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.SOCIAL_WORKER,
        Role.DISTRICT_LEADER,
        Role.JUSTICE_OFFICER,
    },
    "Read the mediation and clinic figures of a place (counts only)",
)
# The clinic desk: plans sessions, books for residents, adds walk-ins, marks no-shows.
CLINIC_DESK = permissions.register(
    "cases.clinic:desk",
    {Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER},
    "Run a community's legal clinic: sessions, rota, bookings for residents, walk-ins",
)
# Cancelling a whole session: the community's secretary or the district's justice officer.
CLINIC_CANCEL = permissions.register(
    "cases.clinic:cancel_session",
    {Role.COMMUNITY_SECRETARY, Role.JUSTICE_OFFICER},
    "Cancel a whole legal clinic session (those booked are told)",
)
LAWYER_VIEW = permissions.register(
    "cases.clinic:consult",
    {Role.LAWYER},
    "Sit clinic sessions on the rota and read one's own consultation records",
)
CLINIC_OVERSEE = permissions.register(
    "cases.clinic:oversee",
    {Role.JUSTICE_OFFICER},
    "Read the clinic sessions of the district",
)


def _signed_in(user: Any) -> bool:
    return permissions.is_global(user) or bool(getattr(user, "is_authenticated", False))


# === mediation ==================================================================================


def mediations_visible_to(user: Any) -> QuerySet[MediationCase]:
    """The cases whose parties and records the user may read."""
    if permissions.is_global(user):
        return MediationCase.objects.all()
    if not getattr(user, "is_authenticated", False):
        return MediationCase.objects.none()
    scope = Q(mediator_id=user.pk) | Q(co_mediator_id=user.pk)
    scope |= permissions.path_q(permissions.scope_paths(user, MANAGE.name))
    scope |= permissions.path_q(permissions.scope_paths(user, OVERSEE.name))
    return MediationCase.objects.filter(scope)


def get_visible_mediation(user: Any, case_id: int) -> MediationCase:
    case = (
        mediations_visible_to(user)
        .select_related("region", "district", "mediator", "co_mediator")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("没有找到该调解案件。"))
    return case


def queue_paths(user: Any) -> list[str] | None:
    """Where the user may take cases from the association's queue: under their mediator role,
    and under the places of the mediators' teams (老娘舅协会) they belong to."""
    if permissions.is_global(user):
        return None
    paths = permissions.scope_paths(user, MEDIATE.name) or []
    if not paths:
        return []
    cached = getattr(user, "_c365_mediation_paths", None)
    if cached is not None:
        return list(cached)
    from community365.teams.models import TeamKind, TeamMembership

    team_paths = list(
        TeamMembership.objects.filter(
            user_id=user.pk, left_at__isnull=True, team__kind=TeamKind.MEDIATORS
        ).values_list("team__region__path", flat=True)
    )
    # Kept on the user object like its grants (one query per request, not one per case).
    result = permissions._minimal([*paths, *team_paths])
    user._c365_mediation_paths = tuple(result)
    return result


def queue_for(user: Any) -> QuerySet[MediationCase]:
    """Registered cases nobody has taken, where the user mediates. The queue shows kind,
    community and date only; the parties appear once a mediator has the case."""
    paths = queue_paths(user)
    if paths == []:
        return MediationCase.objects.none()
    return MediationCase.objects.filter(
        permissions.path_q(paths), status=CaseStatus.REGISTERED, mediator__isnull=True
    )


def is_case_mediator(user: Any, case: MediationCase) -> bool:
    return case.is_mediator(getattr(user, "pk", None))


def may_manage(user: Any, case: MediationCase) -> bool:
    return permissions.has_perm_at(user, MANAGE.name, case.region.path)


def may_mediate_at(user: Any, path: str) -> bool:
    paths = queue_paths(user)
    return paths is None or any(path.startswith(p) for p in paths)


def sees_names_in_full(user: Any, case: MediationCase) -> bool:
    """The case's mediators and the secretary work with the parties by name; the justice
    officer's oversight reads them masked."""
    return permissions.is_global(user) or is_case_mediator(user, case) or may_manage(user, case)


def require_mediator(user: Any, case: MediationCase) -> None:
    if not (is_case_mediator(user, case) or permissions.is_global(user)):
        raise NotAllowed(_("只有本案的调解员可以记录调解过程。"))


def may_register_somewhere(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, REGISTER.name))


def may_read_figures(user: Any) -> bool:
    return permissions.is_global(user) or bool(permissions.scope_grants(user, FIGURES.name))


def may_open_mediations(user: Any) -> bool:
    """Whether the mediation list means anything to the user (nav, to-dos)."""
    return permissions.is_global(user) or bool(
        permissions.scope_grants(user, MANAGE.name)
        or permissions.scope_grants(user, OVERSEE.name)
        or permissions.scope_grants(user, MEDIATE.name)
    )


def actions_for(user: Any, case: MediationCase) -> list[str]:
    """What the user may do with the case now; pages and the API list these."""
    mediator = is_case_mediator(user, case) or permissions.is_global(user)
    manager = may_manage(user, case)
    result: list[str] = []
    if case.status == CaseStatus.REGISTERED:
        if manager:
            result.append("assign")
        if case.mediator_id is None and may_mediate_at(user, case.region.path) and _signed_in(user):
            result.append("take")
    elif case.status == CaseStatus.ACCEPTED:
        if mediator:
            result += ["session", "agree", "not_reached"]
            if case.extended_at is None:
                result.append("extend")
        if manager:
            result.append("assign")
    elif case.status == CaseStatus.AGREED:
        if mediator:
            result += ["scan", "follow_up"]
        if manager and not mediator:
            result.append("follow_up")
    # An agreement exists exactly when the outcome is "agreed" (no query per case in a list).
    oversight = permissions.has_perm_at(user, OVERSEE.name, case.region.path)
    if case.outcome == Outcome.AGREED and (mediator or manager or oversight):
        result.append("agreement_pdf")
    return result


# === the legal clinic ===========================================================================


def clinics_visible_to(user: Any) -> QuerySet[LegalClinic]:
    """Clinics are public within the user's districts: residents book from them."""
    ids = permissions.district_ids(user)
    qs = LegalClinic.objects.all()
    if ids is None:
        return qs
    return qs.filter(district_id__in=ids)


def sessions_visible_to(user: Any) -> QuerySet[ClinicSession]:
    ids = permissions.district_ids(user)
    qs = ClinicSession.objects.all()
    if ids is None:
        return qs
    return qs.filter(district_id__in=ids)


def get_visible_session(user: Any, session_id: int) -> ClinicSession:
    session = (
        sessions_visible_to(user).select_related("clinic", "region", "lawyer").filter(pk=session_id).first()
    )
    if session is None:
        raise NotFound(_("没有找到该次坐诊。"))
    return session


def may_run_desk(user: Any, session_or_clinic: ClinicSession | LegalClinic) -> bool:
    return permissions.has_perm_at(user, CLINIC_DESK.name, session_or_clinic.region.path)


def is_session_lawyer(user: Any, session: ClinicSession) -> bool:
    return getattr(user, "pk", None) is not None and session.lawyer_id == user.pk


def may_see_bookings(user: Any, session: ClinicSession) -> bool:
    """The lawyer on duty and the desk see who booked; others see free and taken slots."""
    return is_session_lawyer(user, session) or may_run_desk(user, session) or permissions.is_global(user)


def bookings_visible_to(user: Any) -> QuerySet[ClinicBooking]:
    """A resident's own bookings; the bookings of sessions the user sits as lawyer; the
    desk's community."""
    if permissions.is_global(user):
        return ClinicBooking.objects.all()
    if not getattr(user, "is_authenticated", False):
        return ClinicBooking.objects.none()
    scope = Q(person__user_id=user.pk) | Q(booked_by_id=user.pk) | Q(session__lawyer_id=user.pk)
    scope |= permissions.path_q(permissions.scope_paths(user, CLINIC_DESK.name))
    return ClinicBooking.objects.filter(scope)


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    """The lawyer, the community secretary and the resident (not every social worker: the
    advice is the resident's own business)."""
    if permissions.is_global(user):
        return Consultation.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Consultation.objects.none()
    scope = Q(lawyer_id=user.pk) | Q(booking__person__user_id=user.pk)
    scope |= permissions.path_q(permissions.scope_paths(user, MANAGE.name))
    return Consultation.objects.filter(scope)


def require_desk(user: Any, session: Any) -> str:
    """``session``: anything placed on the tree (a session, a clinic, a region holder)."""
    return permissions.require_at(
        user, CLINIC_DESK.name, session.region.path, _("只有本社区的社工或书记可以安排法律工作室。")
    )


def require_session_canceller(user: Any, session: Any) -> str:
    return permissions.require_at(
        user, CLINIC_CANCEL.name, session.region.path, _("只有本社区的书记或区司法局可以取消整场坐诊。")
    )


def may_cancel_session(user: Any, session: Any) -> bool:
    try:
        require_session_canceller(user, session)
    except NotAllowed:
        return False
    return True


def require_lawyer(user: Any, session: ClinicSession) -> None:
    if not (is_session_lawyer(user, session) or permissions.is_global(user)):
        raise NotAllowed(_("只有本次坐诊的律师可以填写咨询记录。"))


# --- referrals to a department (the departments' inbox) -----------------------------------------


def referrals_visible_to(user: Any) -> QuerySet[DepartmentReferral]:
    """The referrals the user may see and handle: their departments' (liaisons), all for global
    actors, none for anyone else."""
    from community365.talks.policies import liaison_departments

    if permissions.is_global(user):
        return DepartmentReferral.objects.all()
    departments = liaison_departments(user)
    if not departments:
        return DepartmentReferral.objects.none()
    return DepartmentReferral.objects.filter(department_id__in=departments)


def get_referral_for(user: Any, referral_id: int) -> DepartmentReferral:
    found = referrals_visible_to(user).filter(pk=referral_id).first()
    if found is None:
        raise NotFound(_("没有找到这件转介。"))
    return found


def require_referral_handler(user: Any, referral: DepartmentReferral) -> None:
    if not referrals_visible_to(user).filter(pk=referral.pk).exists():
        raise NotAllowed(_("只有对应职能部门的联络员可以处理这件转介。"))
