"""The demo's year of micro-wishes, its party members and one past charity market, replayed
through the wishes services with the services' clock set to each step's moment."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from community365.core.roles import Role
from community365.people.models import Person, User
from community365.regions.models import Organisation, RegionKind

from . import data

if TYPE_CHECKING:
    from .generator import DemoBuilder

MEMBERS = 200
# (wish, reason, category, value in yuan)
IDEAS = [
    ("想要一台能听越剧的收音机", "老伴走后一个人住，想听听戏", "convenience", 120),
    ("希望有人教我用智能手机挂号", "每次去医院排队太久", "smart_info", 0),
    ("想要一副合适的老花镜", "看报纸越来越吃力", "tailored_care", 150),
    ("孩子想要一套课外书", "父母在外打工，孩子爱看书", "shared_culture", 200),
    ("希望能修好家里的楼道灯", "晚上上下楼看不清", "convenience", 50),
    ("想要一辆轮椅", "腿脚不便，出门靠人背", "tailored_care", 600),
    ("想学写毛笔字", "退休在家想培养个爱好", "shared_culture", 80),
    ("希望有人陪我去医院复查", "子女都在外地", "tailored_care", 0),
    ("想要一个电饭煲", "旧的坏了，自己不会修", "convenience", 180),
    ("孩子需要一个书包和文具", "开学了，家里困难", "public_welfare", 150),
    ("想参加一次党史讲座", "老党员，腿脚不便，希望有人陪同", "party_building", 0),
    ("希望有人帮忙把冬衣送去干洗", "一个人搬不动", "convenience", 60),
    ("想要一个助行器", "中风后恢复行走", "tailored_care", 260),
    ("想给老房子装个扶手", "卫生间滑，怕摔倒", "tailored_care", 300),
    ("希望学会视频通话", "想看看在外地的孙子", "smart_info", 0),
    ("想要一床厚棉被", "屋子朝北，冬天冷", "public_welfare", 220),
    ("孩子想学游泳", "暑假没人带", "shared_culture", 300),
    ("想要一台旧电脑学上网", "想在网上找份兼职", "smart_info", 500),
    ("想理个发", "行动不便，出不了门", "convenience", 30),
    ("希望有人读报给我听", "眼睛不好，看不清字", "shared_culture", 0),
]


def build_wishes(builder: DemoBuilder) -> None:
    from community365.wishes import services
    from community365.wishes.models import CharityMarket, OrganisationAccount, Wish

    assert builder.district is not None
    rng = builder.rng
    communities = [p for p in builder.places.values() if p.kind == RegionKind.COMMUNITY]
    # party members (在职党员进社区): registered with various communities
    members: list[User] = []
    for n in range(1, MEMBERS + 1):
        user = builder.user(f"member_{n:03d}", builder.name())
        builder.grant(user, Role.PARTY_MEMBER, communities[(n * 7) % len(communities)])
        members.append(user)
    # organisation accounts: each acts for its organisation in the charity market
    org_users: list[User] = []
    # (the named organisations of the demo only: later steps register more, and a second run
    # must find the same set)
    named = [name for name, _sub, _kind in data.ORGANISATIONS]
    organisations = Organisation.objects.filter(district=builder.district, name__in=named).order_by("id")
    for i, org in enumerate(organisations, start=1):
        user = builder.user(f"org_{i:02d}", org.name[:60])
        builder.grant(user, Role.VOLUNTEER, org.region)
        if not OrganisationAccount.objects.filter(user=user).exists():
            services.organisation_account_link(actor=builder_system(), user=user, organisation=org)
        org_users.append(user)
    if Wish.objects.filter(district=builder.district).exists():
        return

    system = builder_system()
    now = timezone.now()
    persons = list(
        Person.objects.filter(
            district=builder.district, user__isnull=True, community__kind=RegionKind.COMMUNITY
        )
        .filter(is_elderly=True)
        .order_by("id")
    )
    rng.shuffle(persons)
    # The model community's elders have wishes in progress like everyone's: the first wish claimed
    # in the last fortnight is one of 划船's (its last elder in the shuffled order). The wisher
    # drawn for that slot is passed over, so every other wish keeps its wisher and the draws stay
    # as they were.
    model = builder.places[data.MODEL_COMMUNITY]
    model_elder = next((p for p in reversed(persons) if p.community_id == model.pk), None)
    if model_elder is not None:
        persons.remove(model_elder)
    pool = iter(persons)
    busy: dict[int, int] = {}  # member pk -> claims held right now (the limit is 3)

    def claimant() -> User:
        while True:
            user = rng.choice(members)
            if busy.get(user.pk, 0) < 2:
                return user

    def lifecycle(
        start: datetime.datetime, outcome: str, idea: tuple[str, str, str, int], wisher: Person | None = None
    ) -> Wish:
        title, reason, category, value = idea
        person = next(pool)
        if wisher is not None:
            person = wisher
        with services.clock_at(start):
            wish = services.wish_create(
                actor=system,
                wisher=person,
                title=title,
                reason=reason,
                category=category,
                value_yuan=value,
                wanted_by=(start + datetime.timedelta(days=10)).date() if outcome == "expired" else None,
            )
        at = start + datetime.timedelta(hours=rng.randint(2, 40))
        with services.clock_at(at):
            if outcome == "submitted":
                return wish
            if outcome == "rejected":
                return services.wish_reject(actor=system, wish=wish, reason="该需求已由民政救助渠道解决")
            services.wish_approve(actor=system, wish=wish)
            if outcome == "withdrawn":
                return services.wish_withdraw(actor=system, wish=wish, reason="家属已帮忙解决")
            services.wish_publish(actor=system, wish=wish)
        if outcome == "published":
            return wish
        if outcome == "expired":
            assert wish.wanted_by is not None
            with services.clock_at(
                timezone.make_aware(datetime.datetime.combine(wish.wanted_by, datetime.time(23)))
                + datetime.timedelta(days=1)
            ):
                services.wishes_sweep(actor=system)
            return wish
        at += datetime.timedelta(minutes=rng.choice([3, 10, 30, 90, 240, 600, 1500]))
        user = claimant()
        with services.clock_at(at):
            services.wish_claim(actor=user, wish=wish)
        if outcome == "lapsed":
            with services.clock_at(at + datetime.timedelta(days=7, hours=1)):
                services.wishes_sweep(actor=system)
            return wish
        if outcome == "claimed":
            busy[user.pk] = busy.get(user.pk, 0) + 1
            if now - at > datetime.timedelta(days=4):  # older claims have reached their wisher
                with services.clock_at(at + datetime.timedelta(hours=rng.randint(2, 30))):
                    services.wish_mark_contacted(actor=user, wish=wish)
            return wish
        at += datetime.timedelta(hours=rng.randint(2, 48))
        with services.clock_at(at):
            services.wish_mark_contacted(actor=user, wish=wish)
        at += datetime.timedelta(days=rng.randint(1, 6))
        with services.clock_at(at):
            services.wish_fulfil(actor=user, wish=wish, note="已上门送到，老人很高兴")
        if outcome == "delivered":
            return wish
        at += datetime.timedelta(days=rng.randint(0, 3))
        with services.clock_at(at):
            services.wish_confirm(
                actor=system,
                wish=wish,
                thanks=rng.choice(["谢谢党员同志！", "感谢社区", "非常满意，谢谢"]),
                rating=rng.choice([5, 5, 5, 4, 4, 3]),
            )
        return wish

    # a year of wishes, mostly fulfilled; the last weeks still in progress; some open now
    plan = ["confirmed"] * 60 + ["rejected"] * 4 + ["withdrawn"] * 3 + ["lapsed"] * 2 + ["expired"] * 3
    for i, outcome in enumerate(plan):
        start = now - datetime.timedelta(days=365 - i * 5, hours=rng.randint(0, 12))
        lifecycle(start, outcome, IDEAS[i % len(IDEAS)])
    recent = ["delivered"] * 4 + ["claimed"] * 6 + ["published"] * 14 + ["submitted"] * 4
    for i, outcome in enumerate(recent):
        start = now - datetime.timedelta(days=12 - i * 0.4)
        wisher = model_elder if i == recent.index("claimed") else None
        lifecycle(start, outcome, IDEAS[(i * 3) % len(IDEAS)], wisher)
    # two wishes waiting for review in 划船社区, for the demo's social worker
    huachuan = builder.places["划船社区"]
    for idea in IDEAS[:2]:
        person = (
            Person.objects.filter(community=huachuan, user__isnull=True, wishes__isnull=True)
            .order_by("id")
            .first()
        )
        assert person is not None
        services.wish_create(
            actor=system, wisher=person, title=idea[0], reason=idea[1], category=idea[2], value_yuan=idea[3]
        )

    # one past charity market, district-wide: 20 wishes live at once, snapped up in minutes
    opens = now - datetime.timedelta(days=120)
    with services.clock_at(opens - datetime.timedelta(days=10)):
        market = services.market_create(
            actor=system, region=builder.district, name="江东区公益集市（秋季）", opens_at=opens
        )
    batch: list[Wish] = []
    for i in range(20):
        with services.clock_at(opens - datetime.timedelta(days=9)):
            idea = IDEAS[(i * 7) % len(IDEAS)]
            wish = services.wish_create(
                actor=system,
                wisher=next(pool),
                title=idea[0],
                reason=idea[1],
                category=idea[2],
                value_yuan=idea[3],
            )
            services.wish_approve(actor=system, wish=wish)
            batch.append(wish)
    with services.clock_at(opens - datetime.timedelta(days=8)):
        services.market_add_wishes(actor=system, market=market, wishes=batch)
        services.market_invite(
            actor=system,
            market=market,
            organisations=list(Organisation.objects.filter(district=builder.district)),
            users=members[:20],
        )
    with services.clock_at(opens):
        services.market_open(actor=system, market=market)
    for i, wish in enumerate(batch):
        wish.refresh_from_db()
        user = org_users[i % len(org_users)] if i % 3 else members[20 + i]
        at = opens + datetime.timedelta(seconds=rng.randint(2, 15) + i * rng.randint(2, 12))
        with services.clock_at(at):
            services.wish_claim(actor=user, wish=wish)
        with services.clock_at(at + datetime.timedelta(days=1)):
            services.wish_mark_contacted(actor=user, wish=wish)
        with services.clock_at(at + datetime.timedelta(days=4)):
            services.wish_fulfil(actor=user, wish=wish, note="集市认领，已送达")
        with services.clock_at(at + datetime.timedelta(days=5)):
            services.wish_confirm(actor=system, wish=wish, thanks="感谢爱心企业", rating=5)
    with services.clock_at(opens + datetime.timedelta(hours=3)):
        services.market_close(actor=system, market=market)
    assert CharityMarket.objects.filter(pk=market.pk).exists()
    builder.log(f"wishes: {Wish.objects.filter(district=builder.district).count()}")


def builder_system():
    from .generator import SYSTEM

    return SYSTEM
