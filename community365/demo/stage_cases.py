"""Mediation and the legal clinic in the demo district (community365.cases), through the
services: the 老娘舅 associations of every subdistrict with their mediators (160, 96 of them
party members, in the full district; a fifth of that otherwise), a year of cases with sessions,
agreements, referrals and follow-ups; 福明家园社区's legal clinic on the 8th of every month with
its lawyers' rota, a year of sessions, bookings, consultations and the lawyers' hours.

Personas: mediator_demo (a mediator of 划船社区 with cases in every state), lawyer_demo (on
福明家园's rota, most months and next month), justice_demo (reads every case)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from community365.core.roles import Role
from community365.people.models import Person, User
from community365.regions.models import Department, Region, RegionKind

if TYPE_CHECKING:
    from community365.demo.generator import DemoBuilder

ORDER = 60
MEDIATORS_FULL, PARTY_MEMBERS_FULL = 160, 96
CLINIC_COMMUNITY = "福明家园社区"
MODEL = "划船社区"
# The share of mediations that reach an agreement: the district's, and the model community's.
AGREEMENT = 0.88
MODEL_AGREEMENT = 0.97

SUMMARIES = {
    "neighbours": ["楼上漏水渗到楼下，双方为维修费用争执", "楼道堆放杂物引发邻里口角", "空调外机噪声扰邻"],
    "family": ["子女赡养老人费用分担有分歧", "夫妻因家务琐事长期争吵", "遗产房屋分配兄妹不和"],
    "property": ["业主拒交物业费，认为保洁服务不到位", "小区停车位收费争议", "电梯维修费用分摊争议"],
    "housing": ["老小区改造中搭建物拆除补偿争议", "房屋租赁押金退还纠纷", "违章搭建影响采光"],
    "labour": ["装修工人工钱被拖欠", "家政服务员工资结算争议", "小店员工辞退补偿纠纷"],
    "other": ["宠物狗咬伤邻居小孩", "快递丢失责任争议", "广场舞音量扰民"],
}
TERMS = [
    "双方同意由甲方承担维修费用的一半，乙方负责联系维修并于十日内完成。",
    "双方同意互相谅解，今后有事先沟通；乙方于七日内清理楼道杂物。",
    "乙方于本月底前一次性支付所欠款项，甲方不再追究其他责任。",
    "子女三人按月各承担赡养费，轮流照看老人，每周至少探望一次。",
]
ADVICE = [
    "告知相关法律规定及维权途径，建议先行协商，保留证据。",
    "解释劳动合同法关于经济补偿的规定，建议向劳动监察反映。",
    "说明继承顺序与遗嘱效力，建议全体继承人协商后办理公证。",
    "讲解物业服务合同条款，建议通过业委会与物业沟通。",
]


def build(builder: DemoBuilder) -> None:
    from community365.cases.models import LegalClinic, MediationCase

    assert builder.district is not None
    if (
        MediationCase.objects.filter(district=builder.district).exists()
        and LegalClinic.objects.filter(district=builder.district).exists()
    ):
        return
    demo = CasesDemo(builder)
    if not MediationCase.objects.filter(district=builder.district).exists():
        demo.build_mediation()
    if not LegalClinic.objects.filter(district=builder.district).exists():
        demo.build_clinic()


class CasesDemo:
    def __init__(self, builder: DemoBuilder) -> None:
        from community365.demo.generator import SYSTEM

        self.b = builder
        self.system = SYSTEM
        self.rng = builder.rng
        assert builder.district is not None
        self.district: Region = builder.district
        # where the demo's mediations "referred to a department" go: 区住建局 (liaison_housing)
        self.housing_id = (
            Department.objects.filter(district=builder.district, code="housing")
            .values_list("pk", flat=True)
            .first()
        )
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    # --- mediators ----------------------------------------------------------------------------
    def association(self, subdistrict: Region) -> Any:
        from community365.teams import services as teams
        from community365.teams.models import ServiceKind, Team, TeamKind

        team = Team.objects.filter(region=subdistrict, kind=TeamKind.MEDIATORS).first()
        if team is None:
            team = teams.team_create(
                actor=self.system,
                region=subdistrict,
                name=f"{subdistrict.name}老娘舅协会",
                kind=TeamKind.MEDIATORS,
                service_kind=ServiceKind.objects.filter(district=self.district, code="mediation").first(),
            )
        return team

    def build_mediators(self) -> dict[int, list[User]]:
        """Mediators per community (user, mediator role there, member of the subdistrict's
        association); the first ones of each association are also party members."""
        from community365.teams import services as teams
        from community365.teams.models import MemberRole, TeamMembership

        total = MEDIATORS_FULL if self.b.full else MEDIATORS_FULL // 5
        party = PARTY_MEMBERS_FULL if self.b.full else PARTY_MEMBERS_FULL // 5
        communities = list(
            Region.objects.filter(district_id=self.district.pk, kind=RegionKind.COMMUNITY).order_by("path")
        )
        huachuan = self.b.places[MODEL]
        by_community: dict[int, list[User]] = {}
        mediator_demo = User.objects.get(username="mediator_demo")
        self.b.grant(mediator_demo, Role.MEDIATOR, huachuan)
        by_community.setdefault(huachuan.pk, []).append(mediator_demo)
        # Spread over the communities, 划船社区 first so the model community has several.
        ordered = [huachuan, *[c for c in communities if c.pk != huachuan.pk]]
        for n in range(1, total):
            community = ordered[0] if n < 4 else ordered[(n - 3) % len(ordered)]
            user = self.b.user(f"mediator_{n:03d}", self.b.name(), can_login=False)
            self.b.grant(user, Role.MEDIATOR, community)
            if n < party:
                self.b.grant(user, Role.PARTY_MEMBER, community)
            by_community.setdefault(community.pk, []).append(user)
        subdistricts = {
            r.pk: r for r in Region.objects.filter(district_id=self.district.pk, kind=RegionKind.SUBDISTRICT)
        }
        parent_of = {c.pk: c.path[:8] for c in communities}
        sub_by_path = {s.path: s for s in subdistricts.values()}
        for community_id, users in by_community.items():
            team = self.association(sub_by_path[parent_of.get(community_id, huachuan.path[:8])])
            for user in users:
                if not TeamMembership.objects.filter(team=team, user=user, left_at__isnull=True).exists():
                    has_leader = TeamMembership.objects.filter(team=team, role=MemberRole.LEADER).exists()
                    teams.team_add_member(
                        actor=self.system,
                        team=team,
                        user=user,
                        role=MemberRole.LEADER
                        if not has_leader and user.username != "mediator_demo"
                        else MemberRole.MEMBER,
                    )
        return by_community

    # --- a year of cases ----------------------------------------------------------------------
    def build_mediation(self) -> None:
        from community365.cases import services
        from community365.cases.models import CaseSource, DisputeKind, PartySide, ReferralTo

        by_community = self.build_mediators()
        communities = {r.pk: r for r in Region.objects.filter(pk__in=list(by_community))}
        per_year = 600 if self.b.full else 70
        kinds = DisputeKind.values
        weights_kind = [35, 20, 15, 10, 10, 10]
        sources = [
            CaseSource.PARTY_ASKED,
            CaseSource.SOCIAL_WORKER,
            CaseSource.SERVICE_REQUEST,
            CaseSource.POLICE,
            CaseSource.COURT,
        ]
        weights_source = [50, 20, 10, 12, 8]
        ids = list(by_community)
        huachuan = self.b.places[MODEL]
        for n in range(per_year):
            # 划船社区 gets every fifth case, so mediator_demo has a record of every kind.
            community = huachuan if n % 5 == 0 else communities[self.rng.choice(ids)]
            mediators = by_community[community.pk]
            mediator = (
                mediators[0] if community.pk == huachuan.pk and n % 10 == 0 else self.rng.choice(mediators)
            )
            days_ago = int(365 * (per_year - n) / per_year) + 1
            registered = self.at(self.today - datetime.timedelta(days=days_ago), 9 + n % 8, 10)
            kind = self.rng.choices(kinds, weights_kind)[0]
            residents = list(Person.objects.filter(community=community).order_by("id")[n % 7 : n % 7 + 2])
            parties = [
                services.PartyIn(
                    side=PartySide.APPLICANT, person=residents[0] if residents else None, name=self.b.name()
                ),
                services.PartyIn(
                    side=PartySide.RESPONDENT,
                    person=residents[1] if len(residents) > 1 and n % 3 else None,
                    name=self.b.name(),
                    phone=self.b.phone(),
                ),
            ]
            case = services.mediation_register(
                actor=mediator,
                region=community,
                kind=kind,
                source=self.rng.choices(sources, weights_source)[0],
                summary=self.rng.choice(SUMMARIES[kind]),
                place=f"{community.name}{self.rng.randint(1, 30)}幢",
                parties=parties,
                now=registered,
            )
            self.b.report.add("mediation_case")
            if days_ago < 3 and n % 2:
                continue  # still in the queue
            accepted = registered + datetime.timedelta(hours=self.rng.randint(2, 30))
            case = services.mediation_take(actor=mediator, case=case, now=accepted)
            first = accepted + datetime.timedelta(days=self.rng.randint(1, 5))
            if first >= self.now:
                continue
            services.mediation_record_session(
                actor=mediator,
                case=case,
                held_at=first,
                attended="双方当事人、调解员",
                notes="听取双方陈述，释明相关规定，双方情绪较激动，约定再次调解。",
                now=first,
            )
            decided = first + datetime.timedelta(days=self.rng.randint(2, 20))
            if decided >= self.now:
                continue
            if self.rng.random() < 0.1:
                services.mediation_extend(
                    actor=mediator, case=case, reason="当事人外出务工，需等其返回后再调解", now=decided
                )
                decided += datetime.timedelta(days=10)
                if decided >= self.now:
                    continue
            # The model community's 老娘舅 settle nearly every dispute they take (the others 88 %).
            if self.rng.random() < (MODEL_AGREEMENT if community.pk == huachuan.pk else AGREEMENT):
                services.mediation_agree(
                    actor=mediator,
                    case=case,
                    facts=case.summary,
                    terms=self.rng.choice(TERMS),
                    performance="协议签订之日起十日内履行完毕",
                    now=decided,
                )
                visit = decided + datetime.timedelta(days=30)
                if visit < self.now:
                    services.mediation_follow_up(
                        actor=mediator,
                        case=case,
                        kept=self.rng.random() < 0.93,
                        note="回访双方，协议已按约履行。",
                        now=visit,
                    )
            else:
                services.mediation_not_reached(
                    actor=mediator,
                    case=case,
                    referral_to=self.rng.choice(ReferralTo.values),
                    department_id=self.housing_id,
                    note="双方分歧较大，告知诉讼途径。",
                    now=decided,
                )
        self.build_persona_cases(huachuan, by_community[huachuan.pk][0])
        self.b.log(f"mediation: {per_year} cases, {sum(len(v) for v in by_community.values())} mediators")

    def build_persona_cases(self, huachuan: Region, mediator: User) -> None:
        """mediator_demo's desk today: a case in mediation with one session, and one waiting in
        the association's queue of 划船社区."""
        from community365.cases import services
        from community365.cases.models import CaseSource, PartySide

        residents = list(Person.objects.filter(community=huachuan).order_by("id")[10:13])
        open_case = services.mediation_register(
            actor=mediator,
            region=huachuan,
            kind="neighbours",
            source=CaseSource.PARTY_ASKED,
            summary="楼上装修噪声与漏水，楼下住户多次上门争吵",
            place="划船社区12幢",
            parties=[
                services.PartyIn(side=PartySide.APPLICANT, person=residents[0]),
                services.PartyIn(side=PartySide.RESPONDENT, person=residents[1]),
            ],
            now=self.now - datetime.timedelta(days=6),
        )
        services.mediation_take(actor=mediator, case=open_case, now=self.now - datetime.timedelta(days=6))
        services.mediation_record_session(
            actor=mediator,
            case=open_case,
            held_at=self.now - datetime.timedelta(days=3),
            attended="双方当事人、调解员、楼道长",
            notes="双方同意先请物业查明漏水原因，下周再调。",
            now=self.now - datetime.timedelta(days=3),
        )
        services.mediation_register(
            actor=mediator,
            region=huachuan,
            kind="property",
            source=CaseSource.SOCIAL_WORKER,
            summary="业主对停车位收费有异议，与物业多次沟通未果",
            parties=[
                services.PartyIn(side=PartySide.APPLICANT, person=residents[2]),
                services.PartyIn(side=PartySide.RESPONDENT, name="某物业服务中心"),
            ],
            now=self.now - datetime.timedelta(days=1),
        )

    # --- the legal clinic ---------------------------------------------------------------------
    def build_clinic(self) -> None:
        from community365.cases import services
        from community365.cases.models import ConsultationCategory, ConsultationReferral
        from community365.teams import services as teams
        from community365.teams.models import MemberRole, ServiceKind, Team, TeamKind

        community = self.b.places[CLINIC_COMMUNITY]
        subdistrict = Region.objects.get(path=community.path[:8])
        team = Team.objects.filter(region=subdistrict, kind=TeamKind.LAWYERS).first()
        if team is None:
            team = teams.team_create(
                actor=self.system,
                region=subdistrict,
                name=f"{subdistrict.name}党员律师服务团",
                kind=TeamKind.LAWYERS,
                service_kind=ServiceKind.objects.filter(district=self.district, code="legal").first(),
            )
        lawyer_demo = User.objects.get(username="lawyer_demo")
        lawyers = [lawyer_demo]
        for n in range(1, 5):
            user = self.b.user(f"lawyer_{n:03d}", f"{self.b.name()}律师", can_login=False)
            self.b.grant(user, Role.LAWYER, community)
            lawyers.append(user)
        teams.team_add_member(actor=self.system, team=team, user=lawyers[1], role=MemberRole.LEADER)
        for user in [lawyer_demo, *lawyers[2:]]:
            teams.team_add_member(actor=self.system, team=team, user=user)
        clinic = services.clinic_set_up(
            actor=self.system,
            region=community,
            team=team,
            starts=datetime.time(9, 0),
            ends=datetime.time(11, 30),
            place="福明家园社区党群服务中心二楼法律工作室",
            day_of_month=8,
            slot_minutes=30,
        )
        residents = list(Person.objects.filter(community=community).order_by("id")[:80])
        first_month = (self.today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
        month = first_month
        sessions = 0
        while True:
            coming = self.at(month.replace(day=clinic.day_of_month), 11, 30) >= self.now
            # lawyer_demo sits most months, and the coming session is always theirs.
            lawyer = lawyer_demo if coming or month.month % 3 else lawyers[1 + month.month % 4]
            services.clinic_rota_set(actor=self.system, clinic=clinic, month=month, lawyer=lawyer)
            session = services.clinic_plan_session(actor=self.system, clinic=clinic, month=month)
            past = session.ends_at < self.now
            booked_at = session.starts_at - datetime.timedelta(days=6)
            count = self.rng.randint(2, 5) if past else 2
            for slot in self.rng.sample(range(5), count):
                person = residents[(sessions * 5 + slot) % len(residents)]
                booking = services.clinic_book(
                    actor=self.system,
                    session=session,
                    slot=slot,
                    person=person,
                    note="想咨询一下相关法律问题",
                    now=min(booked_at, self.now - datetime.timedelta(minutes=5)) if past else self.now,
                )
                if past and self.rng.random() < 0.85:
                    referral = self.rng.choices(
                        [
                            ConsultationReferral.NONE,
                            ConsultationReferral.MEDIATION,
                            ConsultationReferral.LEGAL_AID,
                        ],
                        [80, 10, 10],
                    )[0]
                    services.clinic_record_consultation(
                        actor=lawyer,
                        booking=booking,
                        category=self.rng.choice(ConsultationCategory.values),
                        advice=self.rng.choice(ADVICE),
                        referral=referral,
                        respondent=self.b.name() if referral == ConsultationReferral.MEDIATION else "",
                        dispute_kind="neighbours",
                        now=session.starts_at + datetime.timedelta(minutes=30 * slot + 20),
                    )
            if past:
                if self.rng.random() < 0.5:
                    walk_in = services.clinic_walk_in(
                        actor=self.system, session=session, name=self.b.name(), now=session.starts_at
                    )
                    services.clinic_record_consultation(
                        actor=lawyer,
                        booking=walk_in,
                        category=ConsultationCategory.OTHER,
                        advice=self.rng.choice(ADVICE),
                        now=session.ends_at,
                    )
                services.clinic_close_session(
                    actor=self.system, session=session, now=session.ends_at + datetime.timedelta(hours=1)
                )
            sessions += 1
            self.b.report.add("clinic_session")
            if not past:
                break
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        self.b.log(f"legal clinic of {CLINIC_COMMUNITY}: {sessions} sessions")
