from __future__ import annotations

import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def system():
    from community365.core.actors import SystemActor

    return SystemActor("cases-test")


@pytest.fixture
def make_user(db, system):
    """make_user("name", role, region) → a new active user holding that role there."""
    from community365.people import services as people
    from community365.people.models import User

    def make(username: str, role: str | None = None, region=None) -> User:
        user = people.user_create(actor=system, username=username, password=None, display_name=username)
        if role:
            people.role_grant(actor=system, user=user, role=role, region=region)
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def new_case(db, persona, region):
    """new_case(status="accepted") → a fresh 划船社区 case mediated by mediator_demo."""
    from community365.cases import services
    from community365.cases.models import PartySide
    from community365.people.models import Person

    def make(*, status: str = "accepted", kind: str = "neighbours", mediator=None):
        huachuan = region("划船社区")
        mediator = mediator or persona("mediator_demo")
        resident = Person.objects.filter(community=huachuan).order_by("id").first()
        case = services.mediation_register(
            actor=mediator,
            region=huachuan,
            kind=kind,
            source="party",
            summary="楼上漏水渗到楼下",
            parties=[
                services.PartyIn(side=PartySide.APPLICANT, person=resident, id_number=""),
                services.PartyIn(
                    side=PartySide.RESPONDENT,
                    name="张大伯",
                    phone="13800001111",
                    id_number="11010519491231002X",
                ),
            ],
        )
        if status != "registered":
            case = services.mediation_take(actor=mediator, case=case)
        return case

    return make


@pytest.fixture
def clinic_session(db, system, region):
    """clinic_session(days=10) → a planned session of 福明家园's clinic, lawyer_demo on duty."""
    from community365.cases import services
    from community365.cases.models import ClinicSession, LegalClinic
    from community365.people.models import User

    def make(*, days: int = 10, lawyer: str = "lawyer_demo") -> ClinicSession:
        clinic = LegalClinic.objects.get(region=region("福明家园社区"))
        start = (timezone.localtime() + datetime.timedelta(days=days)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        return ClinicSession.objects.create(
            clinic=clinic,
            district_id=clinic.district_id,
            region_id=clinic.region_id,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2, minutes=30),
            place=clinic.place,
            lawyer=User.objects.get(username=lawyer),
        )

    _ = services
    return make
