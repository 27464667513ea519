"""The demo's 党建责任制, after benchmarking's scores exist: special talks with the three lowest
communities of last year's league (one of 百丈街道's among them) and their commitments, one done;
supervision notices with replies in several states (accepted, returned and answered again,
waiting, none yet), one issued by 百丈街道 and one closed; an analysis with frozen figures; last
year's assessment reviewed by the district's leaders, the organisation department, 百丈街道's
staff and 划船社区's secretary (never their own community), published, and one objection of
划船社区 upheld (its result is at version 2); this year's assessment in review. Everything goes
through the services; a second run adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

ORDER = 950  # after benchmarking (900): the talks start from its league table


def build(builder: Any) -> None:
    from community365.benchmarking.models import ScoreSnapshot
    from community365.people.models import User
    from community365.regions.models import Region
    from community365.supervision import services
    from community365.supervision.models import Assessment

    from .generator import SYSTEM

    district = builder.district
    last_year = timezone.localdate().year - 1
    if Assessment.objects.filter(district=district, year=last_year).exists():
        return
    today = timezone.localdate()
    rng = builder.rng
    users = {u.username: u for u in User.objects.filter(username__in=[*_REVIEWERS, "staff_baizhang"])}
    admin = users["admin_district"]
    secretary = users["secretary_huachuan"]
    staff = users["staff_baizhang"]
    huachuan = Region.objects.get(district=district, name="划船社区")
    league = list(
        ScoreSnapshot.objects.filter(district=district, run__key=str(last_year), run__complete=True)
        .select_related("community", "subdistrict")
        .order_by("rank")
    )
    if not league:
        return
    baizhang = Region.objects.get(path=huachuan.path[: 2 * Region.steplen])
    lagging = [s for s in reversed(league) if not s.community.is_model][:2]
    taken = {s.community_id for s in lagging}
    lagging.append(
        next(
            s
            for s in reversed(league)
            if s.subdistrict_id == baizhang.pk and not s.community.is_model and s.community_id not in taken
        )
    )

    # --- special talks ---------------------------------------------------------------------------
    points = [
        "对标{period}年度总分 {score} 分，全区第 {rank} 名；志愿服务时长和微心愿认领明显落后于划船社区。",
        "对标{period}年度总分 {score} 分，全区第 {rank} 名；约谈承诺事项按期办结率低，居民回访满意度不高。",
        "对标{period}年度总分 {score} 分，全区第 {rank} 名；书记项目推进滞后，党员进社区报到率偏低。",
    ]
    promises = [
        ("建立志愿服务队伍每月活动台账", 30),
        ("每周发布一批微心愿并组织在职党员认领", 45),
        ("逐户回访近三个月的诉求并整改", 60),
        ("书记项目补齐任务分解并按月报送进展", 40),
        ("组织在职党员双报到集中报到日", 20),
        ("完善社工联勤排班，节假日不断档", 50),
    ]
    talks = []
    for n, snap in enumerate(lagging):
        talk = services.talk_start(
            actor=admin,
            community=snap.community,
            held_on=today - datetime.timedelta(days=40 - 12 * n),
            points=points[n].format(period=last_year, score=snap.total, rank=snap.rank),
            period=str(last_year),
            commitments=[
                (text, today + datetime.timedelta(days=days)) for text, days in promises[2 * n : 2 * n + 2]
            ],
        )
        talks.append(talk)
    first = talks[0].commitments.order_by("id").first()
    if first is not None:
        services.commitment_done(
            actor=SYSTEM,
            commitment=first,
            evidence="已建立志愿服务月度台账，首月组织活动 4 次，参与 56 人次。",
        )

    # --- supervision notices ---------------------------------------------------------------------
    others = [s.community for s in lagging[:2]]
    ledger = services.notice_issue(
        actor=admin,
        communities=[huachuan, *others],
        title="关于基层党建工作台账规范化的督查通报",
        body="区委组织部对部分社区党建工作台账进行了督查，发现“三会一课”记录不全、党员积分公示不及时等问题。"
        "请各社区对照以下事项逐项整改，按期答复整改情况并附佐证材料。",
        items=[
            ("补齐本年度“三会一课”会议记录", today + datetime.timedelta(days=20)),
            ("按月公示党员积分", today + datetime.timedelta(days=30)),
        ],
    )
    item1, item2 = list(ledger.items.order_by("number"))
    r1 = services.reply_submit(
        actor=secretary,
        item=item1,
        community=huachuan,
        text="已补齐 1–10 月支部委员会、党员大会和党课记录，共 32 份。",
        link="https://example.org/huachuan/sanhui",
    )
    services.reply_decide(actor=admin, reply=r1, accept=True)
    r2 = services.reply_submit(
        actor=secretary, item=item2, community=huachuan, text="已在公告栏公示党员积分。"
    )
    services.reply_decide(actor=admin, reply=r2, accept=False, reason="请补充公示照片和线上公示链接")
    services.reply_submit(
        actor=secretary,
        item=item2,
        community=huachuan,
        text="已在公告栏和社区公众号同步公示 10 月党员积分，今后每月 5 日前公示。",
        link="https://example.org/huachuan/jifen",
    )
    services.reply_submit(
        actor=SYSTEM, item=item1, community=others[0], text="正在补录会议记录，已完成 7 月以后的部分。"
    )

    baizhang_communities = [
        s.community for s in league if s.subdistrict_id == baizhang.pk and not s.community.is_model
    ][:2]
    services.notice_issue(
        actor=staff,
        communities=[huachuan, *baizhang_communities[:1]],
        title="百丈街道关于楼道亮灯整改的督查通报",
        body="街道夜查发现部分老小区楼道灯不亮，请社区在期限内修复并建立亮灯档案。",
        items=[("修复夜查发现的不亮楼道灯并登记亮灯档案", today + datetime.timedelta(days=14))],
    )

    closed = services.notice_issue(
        actor=admin,
        communities=[others[1]],
        title="关于党群服务中心开放时间公示的督查通报",
        body="请在服务中心门口和线上公示开放时间和值班社工。",
        items=[("公示开放时间和值班社工", today + datetime.timedelta(days=7))],
    )
    reply = services.reply_submit(
        actor=SYSTEM,
        item=closed.items.get(),
        community=others[1],
        text="已在服务中心门口和公众号公示开放时间和值班表。",
    )
    services.reply_decide(actor=admin, reply=reply, accept=True, reason="整改到位")
    services.notice_close(actor=admin, notice=closed)

    # --- an analysis -----------------------------------------------------------------------------
    run_tree = league[0].run.tree
    leaves = list(
        run_tree.nodes.filter(children__isnull=True).exclude(provider_code="").order_by("order", "id")[:4]
    )
    services.analysis_write(
        actor=admin,
        district=district,
        title=f"{last_year} 年度对标后进社区专题分析",
        topic="后进社区的差距在哪里",
        body="全区社区对标划船社区，总分差距主要集中在志愿服务、微心愿认领和约谈承诺办结三项。\n"
        "后进社区普遍存在党员参与面窄、服务台账不全的问题，建议开展专项约谈，并以督查通报推动整改。",
        period=str(last_year),
        communities=[huachuan, *[s.community for s in lagging]],
        indicator_codes=[n.code for n in leaves],
    )

    # --- last year's assessment, published ------------------------------------------------------
    # The demo's year scores run lower than a real district's (its records are thin): the
    # district sets its grade lines to match.
    assessment = services.assessment_create(
        actor=admin,
        district=district,
        year=last_year,
        review_weight=Decimal("0.30"),
        excellent_min=Decimal(70),
        good_min=Decimal(55),
        fair_min=Decimal(40),
    )
    _review_all(services, assessment, league, users, rng)
    services.assessment_publish(actor=admin, assessment=assessment)
    assessment.refresh_from_db()
    objection = services.objection_raise(
        actor=secretary,
        assessment=assessment,
        community=huachuan,
        text="本社区 12 月的志愿服务时长有 300 小时未计入对标得分（台账已报街道确认），请复核。",
    )
    mine = assessment.results.get(region=huachuan, current=True)
    services.objection_decide(
        actor=admin,
        objection=objection,
        uphold=True,
        reason="经复核，12 月志愿服务时长漏计属实，对标年度得分更正后重新计算。",
        score=min(Decimal(100), mine.score + Decimal("1.50")),
    )

    # --- this year's assessment, in review --------------------------------------------------------
    current = services.assessment_create(actor=admin, district=district, year=last_year + 1)
    for snap in league[:3]:
        if snap.community_id != huachuan.pk:
            services.review_submit(
                actor=users["leader_zhou"],
                assessment=current,
                community=snap.community,
                score=Decimal(rng.randint(70, 95)),
            )
    builder.report.add("supervision_talk", len(talks))


_REVIEWERS = [
    "admin_district",
    "leader_demo",
    "leader_zhou",
    "leader_chen",
    "leader_lin",
    "secretary_huachuan",
]


def _review_all(services: Any, assessment: Any, league: list[Any], users: dict[str, Any], rng: Any) -> None:
    """Every community reviewed by the district's five reviewers, plus 百丈街道's staff and
    划船社区's secretary where it is not their own (so some communities have 7 reviews, some 5)."""
    from community365.supervision import policies

    for snap in league:
        base = 62 + (len(league) - snap.rank) * 30 // max(len(league), 1)
        for username in [*_REVIEWERS, "staff_baizhang"]:
            reviewer = users[username]
            if policies.is_own_community(reviewer, snap.community):
                continue
            score = Decimal(min(100, max(40, base + rng.randint(-6, 8))))
            services.review_submit(
                actor=reviewer,
                assessment=assessment,
                community=snap.community,
                score=score,
                comment="述职内容翔实" if score >= 80 else "",
            )
