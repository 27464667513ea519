"""Pairing's part of the demo (党群连心·结对走亲; see demo/stages.py): in 划船社区, 黄鹂社区 and
福明家园社区 the community's party members and cadres (member_demo in 划船社区, firstsec_demo in
黄鹂社区) are paired with households — in difficulty first, then elderly living alone and
disabled — a year ago, with about a visit a month since, some needs found, and some of those
turned into a desk request, a micro-wish or a talk topic. member_demo's pairings include one
due a visit. Everything through the services; a community that has pairings is skipped."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from community365.core.actors import SystemActor
from community365.demo.data import MODEL_COMMUNITY

ORDER = 80
SYSTEM = SystemActor("seed_demo")
COMMUNITIES = ["划船社区", "黄鹂社区", "福明家园社区"]
PERSONA_OF = {"划船社区": "member_demo", "黄鹂社区": "firstsec_demo"}
FOLLOW_UP = "回访：上次提到的事已跟进，老人情况平稳。"
FOUND = [
    "老人身体尚可，血压偏高，已提醒按时服药。",
    "家中电线老化，插座松动，存在安全隐患。",
    "子女在外地，老人平时一个人吃饭，希望有人送餐。",
    "低保年审材料已准备好，下周去社区办理。",
    "楼道灯坏了，晚上上下楼不便。",
    "天冷了，被褥偏薄，需要添置冬衣。",
    "孩子上学需要辅导，家长不会用手机上的学习软件。",
    "家中情况稳定，聊了家常，老人心情不错。",
]
NEEDS = [
    "楼道灯需要维修",
    "希望有一床厚棉被",
    "想学用智能手机挂号",
    "下水道经常堵塞，希望彻底整修",
    "希望每周有人上门送餐",
]


def _cadres(community: Any, persona: str | None) -> list[Any]:
    from community365.core.roles import Role
    from community365.pairing import selectors
    from community365.people.models import RoleAssignment, User

    ids = list(
        RoleAssignment.objects.filter(
            region=community,
            role__in=[Role.PARTY_MEMBER, Role.FIRST_SECRETARY],
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    users = list(User.objects.filter(pk__in=ids).order_by("pk"))
    if persona:
        chosen = User.objects.filter(username=persona).first()
        if chosen is not None:
            users = [chosen] + [u for u in users if u.pk != chosen.pk]
    if len(users) < 2:
        users += [u for u in selectors.cadres_for(community) if u not in users][:3]
    return users[:6]


def build(builder: Any) -> None:
    from community365.core.errors import DomainError
    from community365.desk.services import items_for
    from community365.pairing import selectors, services
    from community365.pairing.models import Pairing, VisitNeed
    from community365.people.models import Person, RoleAssignment
    from community365.regions.models import Region, RegionKind
    from community365.wishes.models import ServiceCategory

    rng = builder.rng
    today = timezone.localdate()
    for name in COMMUNITIES:
        community = Region.objects.filter(name=name, kind=RegionKind.COMMUNITY).first()
        if community is None or Pairing.objects.filter(region=community).exists():
            continue
        worker_grant = (
            RoleAssignment.objects.filter(region=community, role="social_worker", revoked_at__isnull=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        actor = worker_grant.user if worker_grant is not None else SYSTEM
        cadres = _cadres(community, PERSONA_OF.get(name))
        if not cadres:
            continue
        households = list(selectors.attention_households([community.path])[: len(cadres) * 3])
        items = list(items_for(community).filter(online=True).order_by("pk")[:3])
        made: list[Any] = []
        for i, household in enumerate(households):
            cadre = cadres[i % len(cadres)]
            since = today - datetime.timedelta(days=330 + rng.randint(0, 60))
            made.append(services.pairing_create(actor=SYSTEM, household=household, cadre=cadre, since=since))
        builder.report.add("pairing.pairings", len(made))
        for index, pairing in enumerate(made):
            members = list(Person.objects.filter(household_id=pairing.household_id).order_by("pk"))
            day = pairing.since + datetime.timedelta(days=rng.randint(3, 20))
            # The first pairing of each persona is left due a visit (its last visit ~6 weeks ago).
            stop = today - datetime.timedelta(days=42 if index == 0 else rng.randint(0, 20))
            while day <= stop:
                found = FOUND[rng.randrange(len(FOUND))]
                needs = [NEEDS[rng.randrange(len(NEEDS))]] if rng.random() < 0.15 else []
                companion = "社区社工" if rng.random() < 0.4 else ""
                services.visit_log(
                    actor=pairing.cadre,
                    pairing=pairing,
                    visited_on=day,
                    found=found,
                    companions=companion,
                    needs=needs,
                )
                builder.report.add("pairing.visits")
                gap = rng.randint(25, 40)
                # The model community's cadres call again between the monthly visits (a short
                # follow-up, drawing nothing at random, so the other communities' visits stay
                # as they were).
                follow_up = day + datetime.timedelta(days=gap // 2)
                if name == MODEL_COMMUNITY and follow_up <= stop:
                    services.visit_log(
                        actor=pairing.cadre, pairing=pairing, visited_on=follow_up, found=FOLLOW_UP
                    )
                    builder.report.add("pairing.visits")
                day += datetime.timedelta(days=gap)
            if not members:
                continue
            for need in VisitNeed.objects.filter(visit__pairing=pairing, turned_to="").order_by("pk"):
                roll = rng.random()
                person = next((m for m in members if m.in_difficulty), members[0])
                try:
                    if roll < 0.3 and items:
                        services.need_turn(
                            actor=actor,
                            need=need,
                            kind="request",
                            person=person,
                            item=items[0],
                            text=need.text + "。",
                        )
                    elif roll < 0.55:
                        services.need_turn(
                            actor=actor,
                            need=need,
                            kind="wish",
                            person=person,
                            title=need.text[:20],
                            text=f"走访中发现：{need.text}。",
                            category=ServiceCategory.values[0],
                            value_yuan=100,
                        )
                    elif roll < 0.7 and person.verified_at is not None:
                        services.need_turn(
                            actor=actor,
                            need=need,
                            kind="topic",
                            person=person,
                            title=need.text[:20],
                            text=f"走访中发现：{need.text}，多户反映同样的问题。",
                        )
                    else:
                        continue
                    builder.report.add("pairing.needs_turned")
                except DomainError:  # a refusal of the other app (its limits) leaves the need untreated
                    continue
