"""Every write of 党建责任制. Each is one transaction (``audit.services.service``) with an audit
entry; refusals are audited too, and notifications leave only on commit.

State changes are conditional UPDATEs (``WHERE status = …``), and the one-per rules are unique
constraints as well as checks: two people deciding the same reply, or a reviewer scoring the same
report from two tabs, cannot both win; the loser is told what happened."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.people.models import RoleAssignment
from community365.regions.models import Region, RegionKind

from . import phrases, policies
from .models import (
    LIVE_REPLY,
    Analysis,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Commitment,
    Grade,
    Notice,
    NoticeItem,
    NoticeRecipient,
    NoticeReply,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    ReplyStatus,
    ReportReview,
    SpecialTalk,
)

TWO = Decimal("0.01")
MAX_COMMUNITIES = 100
MAX_ITEMS = 20
MAX_INDICATORS = 20


# --- checks -------------------------------------------------------------------------------------
def _text(value: Any, field: str, *, max_length: int, min_length: int = 0, keep_lines: bool = False) -> str:
    raw = str(value or "")
    text = (
        "\n".join(" ".join(line.split()) for line in raw.strip().splitlines())
        if keep_lines
        else " ".join(raw.split())
    )
    if len(text) < min_length or len(text) > max_length:
        raise InvalidInput(
            _("内容长度须为 %(a)s–%(b)s 个字。") % {"a": min_length, "b": max_length}, field=field
        )
    return text


def _date(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(_("请填写正确的日期。"), field=field) from None
    if not datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31):
        raise InvalidInput(_("请填写正确的日期。"), field=field)
    return value


def _deadline(value: Any, field: str = "deadline") -> datetime.date:
    day = _date(value, field)
    if day < timezone.localdate():
        raise InvalidInput(_("期限不能早于今天。"), field=field)
    return day


def _decimal(value: Any, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("请填写 %(a)s–%(b)s 之间的数。") % {"a": low, "b": high}, field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise InvalidInput(_("请填写 %(a)s–%(b)s 之间的数。") % {"a": low, "b": high}, field=field)
    return number.quantize(TWO, rounding=ROUND_HALF_UP)


def _int(value: Any, field: str, *, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise InvalidInput(_("请填写 %(a)s–%(b)s 之间的整数。") % {"a": low, "b": high}, field=field)
    return number


def _link(value: Any) -> str:
    link = _text(value, "link", max_length=200)
    if link and not link.startswith(("http://", "https://")):
        raise InvalidInput(_("链接须以 http:// 或 https:// 开头。"), field="link")
    return link


def _label(actor: Any) -> str:
    return "" if isinstance(actor, SystemActor) else str(actor)[:150]


def _user(actor: Any) -> Any:
    return None if isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False) else actor


def _district(region: Region) -> Region:
    return region if region.kind == RegionKind.DISTRICT else Region.objects.get(pk=region.district_id)


def _community(region: Region) -> Region:
    if region.kind != RegionKind.COMMUNITY:
        raise InvalidInput(_("请选择社区。"), field="community")
    return region


def secretaries_of(community: Region) -> list[int]:
    """The community's secretaries: whom a talk, a notice or a result is addressed to."""
    return list(
        RoleAssignment.objects.filter(
            region=community, role=Role.COMMUNITY_SECRETARY, revoked_at__isnull=True, user__is_active=True
        )
        .order_by("id")
        .values_list("user_id", flat=True)
    )


def _tell(community: Region, code: str, params: dict[str, Any], url: str) -> None:
    for user_id in secretaries_of(community):
        notify(recipient_id=user_id, code=code, params=params, url=url)


def _evidence(upload: Any) -> Any:
    if upload is None:
        return None
    from community365.core.uploads import clean_image

    return clean_image(upload, field="evidence")


# --- special talks ------------------------------------------------------------------------------
def _snapshot(district: Region, community: Region, period: str) -> Any:
    from community365.benchmarking.models import ScoreSnapshot

    snap = ScoreSnapshot.objects.filter(
        district=district, run__key=period, run__complete=True, community=community
    ).first()
    if snap is None:
        raise InvalidInput(_("%(period)s 没有这个社区的对标得分。") % {"period": period}, field="period")
    return snap


@service("supervision.talk.start")
def talk_start(
    *,
    actor: Any,
    community: Region,
    held_on: datetime.date | str,
    points: str,
    period: str = "",
    commitments: Sequence[tuple[str, Any]] = (),
) -> SpecialTalk:
    """Record a special talk with the community's secretary, started from a benchmarking period
    (its score and rank are copied onto the talk), with the commitments made."""
    community = _community(community)
    district = _district(community)
    role = policies.require_start(actor, district)
    day = _date(held_on, "held_on")
    if abs((day - timezone.localdate()).days) > 366:
        raise InvalidInput(_("约谈日期须在前后一年之内。"), field="held_on")
    period = _text(period, "period", max_length=10)
    snap = _snapshot(district, community, period) if period else None
    secretary_ids = secretaries_of(community)
    from community365.people.models import User

    secretary = User.objects.filter(pk=secretary_ids[0]).first() if secretary_ids else None
    talk = SpecialTalk.objects.create(
        district=district,
        region=community,
        secretary=secretary,
        secretary_name=str(secretary)[:60] if secretary else "",
        held_on=day,
        points=_text(points, "points", max_length=2000, min_length=2, keep_lines=True),
        period=period,
        score=snap.total if snap else None,
        rank=snap.rank if snap else None,
        started_by=_user(actor),
        started_by_label=_label(actor),
    )
    if len(commitments) > MAX_ITEMS:
        raise InvalidInput(_("承诺事项最多 %(n)s 条。") % {"n": MAX_ITEMS}, field="commitments")
    for text, deadline in commitments:
        _commitment_create(talk, text, deadline)
    audit_record(
        actor=actor,
        action="supervision.talk.start",
        target=talk,
        role=role,
        changes={"period": period, "commitments": len(commitments)},
    )
    _tell(
        community,
        phrases.TALK_STARTED,
        {"date": {"date": day.isoformat()}},
        reverse("sup_talk", args=[talk.pk]),
    )
    return talk


def _commitment_create(talk: SpecialTalk, text: str, deadline: Any) -> Commitment:
    return Commitment.objects.create(
        talk=talk,
        district_id=talk.district_id,
        region_id=talk.region_id,
        text=_text(text, "text", max_length=300, min_length=2),
        deadline=_deadline(deadline),
    )


@service("supervision.commitment.add")
def commitment_add(*, actor: Any, talk: SpecialTalk, text: str, deadline: datetime.date | str) -> Commitment:
    role = policies.require_start(actor, talk.district)
    commitment = _commitment_create(talk, text, deadline)
    audit_record(
        actor=actor, action="supervision.commitment.add", target=talk, role=role, message=commitment.text
    )
    _tell(
        talk.region,
        phrases.COMMITMENT_ADDED,
        {"text": commitment.text, "deadline": {"date": commitment.deadline.isoformat()}},
        reverse("sup_talk", args=[talk.pk]),
    )
    return commitment


@service("supervision.commitment.done")
def commitment_done(
    *, actor: Any, commitment: Commitment, evidence: str, evidence_file: Any = None
) -> Commitment:
    """The community's secretary marks a commitment done with what was done (and a photo)."""
    role = policies.require_answer(actor, commitment.region)
    note = _text(evidence, "evidence", max_length=500, min_length=2)
    image = _evidence(evidence_file)
    if commitment.done_at is not None:
        raise InvalidTransition(_("这项承诺已经完成。"))
    now = timezone.now()
    if (
        Commitment.objects.filter(pk=commitment.pk, done_at__isnull=True).update(done_at=now, evidence=note)
        != 1
    ):
        raise Conflict(_("这项承诺刚刚已被标记为完成。"), code="already_done")
    commitment.refresh_from_db()
    if image is not None:
        commitment.evidence_file.save(f"commitment-{commitment.pk}.jpg", image, save=True)
    audit_record(
        actor=actor, action="supervision.commitment.done", target=commitment.talk, role=role, message=note
    )
    starter = commitment.talk.started_by_id
    if starter:
        notify(
            recipient_id=starter,
            code=phrases.COMMITMENT_DONE,
            params={"community": commitment.region.name, "text": commitment.text},
            url=reverse("sup_talk", args=[commitment.talk_id]),
        )
    return commitment


def overdue_sweep(*, actor: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Flag once each commitment past its deadline and not done (a conditional UPDATE each), and
    tell the community's secretary; the district sees them on its to-do list."""
    today = today or timezone.localdate()
    flagged = 0
    due = (
        Commitment.objects.filter(deadline__lt=today, done_at__isnull=True, overdue_at__isnull=True)
        .select_related("talk", "region")
        .order_by("id")[:500]
    )
    for commitment in due:
        with transaction.atomic():
            if (
                Commitment.objects.filter(pk=commitment.pk, overdue_at__isnull=True).update(
                    overdue_at=timezone.now()
                )
                != 1
            ):
                continue
            flagged += 1
            audit_record(
                actor=actor,
                action="supervision.commitment.overdue",
                target=commitment.talk,
                message=commitment.text,
            )
            _tell(
                commitment.region,
                phrases.COMMITMENT_OVERDUE,
                {"text": commitment.text},
                reverse("sup_talk", args=[commitment.talk_id]),
            )
    return {"flagged": flagged}


# --- analyses -----------------------------------------------------------------------------------
@service("supervision.analysis.write")
def analysis_write(
    *,
    actor: Any,
    district: Region,
    title: str,
    topic: str,
    body: str,
    period: str,
    communities: Iterable[Region],
    indicator_codes: Sequence[str],
) -> Analysis:
    """A written analysis with its figures: the named communities' totals, ranks and the chosen
    indicators' values of one benchmarking period, copied now so the analysis never changes."""
    from community365.benchmarking.models import IndicatorResult, ScoreRun, ScoreSnapshot

    role = policies.require_start(actor, district)
    period = _text(period, "period", max_length=10, min_length=4)
    run = ScoreRun.objects.filter(district=district, key=period, complete=True).select_related("tree").first()
    if run is None:
        raise InvalidInput(_("%(period)s 还没有对标得分。") % {"period": period}, field="period")
    chosen = [c for c in communities if c.kind == RegionKind.COMMUNITY and c.district_id == district.pk]
    if not chosen or len(chosen) > MAX_COMMUNITIES:
        raise InvalidInput(_("请选择 1–%(n)s 个本区的社区。") % {"n": MAX_COMMUNITIES}, field="communities")
    codes = list(dict.fromkeys(c for c in indicator_codes if c))
    if len(codes) > MAX_INDICATORS:
        raise InvalidInput(_("指标最多选 %(n)s 项。") % {"n": MAX_INDICATORS}, field="indicators")
    nodes = {n.code: n for n in run.tree.nodes.filter(code__in=codes, children__isnull=True)}
    unknown = [c for c in codes if c not in nodes]
    if unknown:
        raise InvalidInput(_("没有这些指标：%(codes)s") % {"codes": "、".join(unknown)}, field="indicators")
    ids = [c.pk for c in chosen]
    snaps = {s.community_id: s for s in ScoreSnapshot.objects.filter(run=run, community_id__in=ids)}
    values: dict[tuple[int, str], Decimal | None] = {}
    for r in IndicatorResult.objects.filter(
        run=run, community_id__in=ids, node__in=list(nodes.values())
    ).select_related("node"):
        values[(r.community_id, r.node.code)] = r.value
    figures = {
        "period": run.key,
        "indicators": [
            {
                "code": code,
                "provider": nodes[code].provider_code,
                "label": str(nodes[code].display_label),
                "unit": str(nodes[code].display_unit),
            }
            for code in codes
        ],
        "rows": [
            {
                "community_id": c.pk,
                "community": c.name,
                "total": str(snaps[c.pk].total) if c.pk in snaps else None,
                "rank": snaps[c.pk].rank if c.pk in snaps else None,
                "values": {
                    code: (None if values.get((c.pk, code)) is None else str(values[(c.pk, code)]))
                    for code in codes
                },
            }
            for c in sorted(chosen, key=lambda c: (snaps[c.pk].rank if c.pk in snaps else 10**9, c.path))
        ],
    }
    analysis = Analysis.objects.create(
        district=district,
        region=district,
        title=_text(title, "title", max_length=100, min_length=2),
        topic=_text(topic, "topic", max_length=100, min_length=2),
        body=_text(body, "body", max_length=20000, min_length=10, keep_lines=True),
        period=run.key,
        figures=figures,
        written_by=_user(actor),
        written_by_label=_label(actor),
    )
    audit_record(
        actor=actor,
        action="supervision.analysis.write",
        target=analysis,
        role=role,
        changes={"period": run.key, "communities": ids, "indicators": codes},
    )
    return analysis


# --- supervision notices ------------------------------------------------------------------------
def _issuer(actor: Any, communities: list[Region]) -> tuple[Region, str]:
    """Where a notice is issued from: the district when the actor decides there, else the one
    subdistrict the actor works in that holds every community."""
    district = _district(communities[0])
    role = permissions.acting_role(actor, policies.START.name, district.path)
    if role:
        return district, role
    grants = [permissions.grant_for(actor, policies.ISSUE.name, c.path) for c in communities]
    if any(g is None for g in grants):
        raise NotAllowed(_("您只能向本街道的社区下发通报。"))
    places = {g.region_id for g in grants if g is not None}
    if len(places) != 1:
        raise InvalidInput(_("一份通报只能下发给同一街道的社区。"), field="communities")
    grant = grants[0]
    assert grant is not None
    return Region.objects.get(pk=grant.region_id), grant.role


@service("supervision.notice.issue")
def notice_issue(
    *,
    actor: Any,
    communities: Sequence[Region],
    title: str,
    body: str,
    items: Sequence[tuple[str, Any]],
) -> Notice:
    """A supervision notice to one or more communities with the items each must rectify by a
    deadline; every community's secretary is told."""
    chosen = list({c.pk: _community(c) for c in communities}.values())
    if not chosen or len(chosen) > MAX_COMMUNITIES:
        raise InvalidInput(_("请选择 1–%(n)s 个社区。") % {"n": MAX_COMMUNITIES}, field="communities")
    if len({c.district_id for c in chosen}) != 1:
        raise InvalidInput(_("一份通报只能下发给同一个区的社区。"), field="communities")
    region, role = _issuer(actor, chosen)
    if not items or len(items) > MAX_ITEMS:
        raise InvalidInput(_("请列出 1–%(n)s 项整改事项。") % {"n": MAX_ITEMS}, field="items")
    checked = [
        (_text(text, "items", max_length=300, min_length=2), _deadline(deadline)) for text, deadline in items
    ]
    district = _district(chosen[0])
    notice = Notice.objects.create(
        district=district,
        region=region,
        title=_text(title, "title", max_length=100, min_length=2),
        body=_text(body, "body", max_length=5000, min_length=2, keep_lines=True),
        issued_by=_user(actor),
        issued_by_label=_label(actor),
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(notice=notice, district=district, number=n, text=text, deadline=deadline)
        for n, (text, deadline) in enumerate(checked, start=1)
    )
    NoticeRecipient.objects.bulk_create(
        NoticeRecipient(notice=notice, district=district, region=c) for c in chosen
    )
    audit_record(
        actor=actor,
        action="supervision.notice.issue",
        target=notice,
        role=role,
        changes={"communities": [c.pk for c in chosen], "items": len(checked)},
    )
    url = reverse("sup_notice", args=[notice.pk])
    for c in chosen:
        _tell(c, phrases.NOTICE_ISSUED, {"title": notice.title}, url)
    return notice


@service("supervision.reply.submit")
def reply_submit(
    *,
    actor: Any,
    item: NoticeItem,
    community: Region,
    text: str,
    link: str = "",
    evidence: Any = None,
) -> NoticeReply:
    """The community's answer to one item; after a return, a new attempt."""
    role = policies.require_answer(actor, community)
    notice = item.notice
    if not NoticeRecipient.objects.filter(notice=notice, region=community).exists():
        raise NotAllowed(_("这份通报没有下发给本社区。"))
    if notice.status != NoticeStatus.OPEN:
        raise InvalidTransition(_("这份通报已办结，不再接受答复。"))
    clean = _text(text, "text", max_length=2000, min_length=2, keep_lines=True)
    clean_link = _link(link)
    image = _evidence(evidence)
    replies = NoticeReply.objects.filter(item=item, region=community)
    if replies.filter(status__in=LIVE_REPLY).exists():
        raise Conflict(_("这一项已经答复过，正在审核或已认可。"), code="already_replied")
    attempt = (replies.aggregate(n=Max("attempt"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            reply = NoticeReply.objects.create(
                notice=notice,
                item=item,
                district_id=notice.district_id,
                region=community,
                attempt=attempt,
                text=clean,
                link=clean_link,
                by=_user(actor),
                by_label=_label(actor),
            )
    except IntegrityError:
        raise Conflict(_("这一项刚刚已经答复过。"), code="already_replied") from None
    if image is not None:
        reply.evidence.save(f"reply-{reply.pk}.jpg", image, save=True)
    audit_record(
        actor=actor,
        action="supervision.reply.submit",
        target=notice,
        role=role,
        changes={"item": item.number, "community": community.pk, "attempt": attempt},
    )
    if notice.issued_by_id:
        notify(
            recipient_id=notice.issued_by_id,
            code=phrases.REPLY_RECEIVED,
            params={"community": community.name, "title": notice.title},
            url=reverse("sup_notice", args=[notice.pk]),
        )
    return reply


@service("supervision.reply.decide")
def reply_decide(*, actor: Any, reply: NoticeReply, accept: bool, reason: str = "") -> NoticeReply:
    """Accept a reply, or return it with a reason (the community then answers again)."""
    notice = reply.notice
    role = policies.require_decide_notice(actor, notice)
    clean = _text(reason, "reason", max_length=300, min_length=0 if accept else 2)
    status = ReplyStatus.ACCEPTED if accept else ReplyStatus.RETURNED
    changed = NoticeReply.objects.filter(pk=reply.pk, status=ReplyStatus.SUBMITTED).update(
        status=status, reason=clean, decided_at=timezone.now(), decided_by_label=_label(actor)
    )
    if changed != 1:
        reply.refresh_from_db(fields=["status"])
        raise InvalidTransition(
            _("这条答复已经审核过（%(status)s）。") % {"status": ReplyStatus(reply.status).label}
        )
    reply.refresh_from_db()
    audit_record(
        actor=actor,
        action="supervision.reply.decide",
        target=notice,
        role=role,
        message=clean,
        changes={"reply": reply.pk, "status": status},
    )
    params = {"title": notice.title, "number": reply.item.number}
    if accept:
        _tell(reply.region, phrases.REPLY_ACCEPTED, params, reverse("sup_notice", args=[notice.pk]))
    else:
        _tell(
            reply.region,
            phrases.REPLY_RETURNED,
            {**params, "reason": clean},
            reverse("sup_notice", args=[notice.pk]),
        )
    return reply


@service("supervision.notice.close")
def notice_close(*, actor: Any, notice: Notice) -> Notice:
    """Close a notice (办结): no more replies. Refused while a reply waits for a decision."""
    role = policies.require_decide_notice(actor, notice)
    if notice.replies.filter(status=ReplyStatus.SUBMITTED).exists():
        raise InvalidTransition(_("还有答复没有审核，请先审核再办结。"))
    if (
        Notice.objects.filter(pk=notice.pk, status=NoticeStatus.OPEN).update(
            status=NoticeStatus.CLOSED, closed_at=timezone.now()
        )
        != 1
    ):
        raise InvalidTransition(_("这份通报已经办结。"))
    notice.refresh_from_db()
    audit_record(actor=actor, action="supervision.notice.close", target=notice, role=role)
    return notice


# --- year-end assessment ------------------------------------------------------------------------
def trimmed_mean(scores: Sequence[Decimal], trim_from: int) -> tuple[Decimal | None, list[int]]:
    """The mean of the review scores; with ``trim_from`` or more scores, the single highest and
    the single lowest are dropped first. Returns the mean and the indexes of the dropped scores."""
    if not scores:
        return None, []
    dropped: list[int] = []
    if len(scores) >= max(trim_from, 3):
        order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
        dropped = [order[0], order[-1]]
    kept = [s for i, s in enumerate(scores) if i not in dropped]
    return (sum(kept, Decimal(0)) / len(kept)).quantize(TWO, rounding=ROUND_HALF_UP), dropped


def combine(score: Decimal, review_mean: Decimal, weight: Decimal) -> Decimal:
    """total = score × (1 − weight) + review mean × weight."""
    return (score * (1 - weight) + review_mean * weight).quantize(TWO, rounding=ROUND_HALF_UP)


def grade_of(assessment: Assessment, total: Decimal) -> str:
    if total >= assessment.excellent_min:
        return Grade.EXCELLENT
    if total >= assessment.good_min:
        return Grade.GOOD
    if total >= assessment.fair_min:
        return Grade.FAIR
    return Grade.POOR


@service("supervision.assessment.create")
def assessment_create(
    *,
    actor: Any,
    district: Region,
    year: int,
    review_weight: Decimal | str = Decimal("0.30"),
    excellent_min: Decimal | str = Decimal(85),
    good_min: Decimal | str = Decimal(75),
    fair_min: Decimal | str = Decimal(60),
    min_reviews: int = 5,
    trim_from: int = 5,
    objection_days: int = 7,
) -> Assessment:
    role = policies.require_start(actor, district)
    year = _int(year, "year", low=2000, high=2100)
    weight = _decimal(review_weight, "review_weight", low=Decimal(0), high=Decimal(1))
    bands = [
        _decimal(v, f, low=Decimal(0), high=Decimal(100))
        for v, f in ((excellent_min, "excellent_min"), (good_min, "good_min"), (fair_min, "fair_min"))
    ]
    if not bands[0] > bands[1] > bands[2]:
        raise InvalidInput(_("等级分数线须从优秀到一般依次降低。"), field="good_min")
    if Assessment.objects.filter(district=district, year=year).exists():
        raise Conflict(_("%(year)s 年度的考评已经建立。") % {"year": year}, code="assessment_exists")
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                district=district,
                region=district,
                year=year,
                review_weight=weight,
                excellent_min=bands[0],
                good_min=bands[1],
                fair_min=bands[2],
                min_reviews=_int(min_reviews, "min_reviews", low=1, high=50),
                trim_from=_int(trim_from, "trim_from", low=3, high=50),
                objection_days=_int(objection_days, "objection_days", low=1, high=60),
            )
    except IntegrityError:
        raise Conflict(
            _("%(year)s 年度的考评已经建立。") % {"year": year}, code="assessment_exists"
        ) from None
    audit_record(actor=actor, action="supervision.assessment.create", target=assessment, role=role)
    return assessment


def _reviewer_role(actor: Any, assessment: Assessment) -> str:
    role = permissions.acting_role(actor, policies.REVIEW.name, assessment.district.path)
    if role:
        return role
    for grant in permissions.scope_grants(actor, policies.REVIEW.name):
        if grant.district_id == assessment.district_id:
            return grant.role
    raise NotAllowed(_("您不是本区述职评议的评议人。"))


@service("supervision.review.submit")
def review_submit(
    *, actor: Any, assessment: Assessment, community: Region, score: Decimal | str | int, comment: str = ""
) -> ReportReview:
    """A reviewer's score (0–100) of a community secretary's year report: once per reviewer and
    community (a unique constraint too), never of one's own community, only before publication."""
    if _user(actor) is None:
        raise NotAllowed(_("评议须由具体的评议人打分。"))
    role = _reviewer_role(actor, assessment)
    community = _community(community)
    if community.district_id != assessment.district_id:
        raise InvalidInput(_("这个社区不在本次考评的区内。"), field="community")
    if policies.is_own_community(actor, community):
        raise NotAllowed(_("不能评议自己所在社区或街道的书记述职。"))
    if assessment.status != AssessmentStatus.DRAFT:
        raise InvalidTransition(_("考评结果已公布，不能再评议。"))
    value = _decimal(score, "score", low=Decimal(0), high=Decimal(100))
    if ReportReview.objects.filter(assessment=assessment, region=community, reviewer=actor).exists():
        raise Conflict(_("您已经评议过这个社区的书记述职。"), code="already_reviewed")
    try:
        with transaction.atomic():
            review = ReportReview.objects.create(
                assessment=assessment,
                district_id=assessment.district_id,
                region=community,
                reviewer=actor,
                reviewer_label=_label(actor),
                score=value,
                comment=_text(comment, "comment", max_length=300),
            )
    except IntegrityError:
        raise Conflict(_("您已经评议过这个社区的书记述职。"), code="already_reviewed") from None
    audit_record(
        actor=actor,
        action="supervision.review.submit",
        target=assessment,
        role=role,
        changes={"community": community.pk, "score": value},
    )
    return review


def _year_snapshots(assessment: Assessment) -> list[Any]:
    from community365.benchmarking.models import ScoreSnapshot

    return list(
        ScoreSnapshot.objects.filter(
            district_id=assessment.district_id, run__key=str(assessment.year), run__complete=True
        )
        .select_related("community")
        .order_by("rank", "community__path")
    )


@service("supervision.assessment.publish")
def assessment_publish(*, actor: Any, assessment: Assessment) -> Assessment:
    """Compute every community's result from the year's benchmarking scores and the reviews, and
    publish them. Refused without the year's scores or while a community has fewer reviews than
    the assessment requires."""
    role = policies.require_start(actor, assessment.district)
    if assessment.status != AssessmentStatus.DRAFT:
        raise InvalidTransition(_("这次考评已经公布。"))
    snaps = _year_snapshots(assessment)
    if not snaps:
        raise InvalidTransition(_("%(year)s 年度还没有对标得分，不能公布。") % {"year": assessment.year})
    by_community: dict[int, list[Decimal]] = {}
    for community_id, score in (
        ReportReview.objects.filter(assessment=assessment).order_by("id").values_list("region_id", "score")
    ):
        by_community.setdefault(community_id, []).append(score)
    short = [
        s.community.name for s in snaps if len(by_community.get(s.community_id, [])) < assessment.min_reviews
    ]
    if short:
        raise InvalidTransition(
            _("还有 %(n)s 个社区的评议不足 %(min)s 人（%(names)s），不能公布。")
            % {"n": len(short), "min": assessment.min_reviews, "names": "、".join(short[:5])}
        )
    if (
        Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.DRAFT).update(
            status=AssessmentStatus.PUBLISHED, published_at=timezone.now()
        )
        != 1
    ):
        raise InvalidTransition(_("这次考评已经公布。"))
    assessment.refresh_from_db()
    rows = []
    for s in snaps:
        scores = by_community[s.community_id]
        mean, _dropped = trimmed_mean(scores, assessment.trim_from)
        assert mean is not None
        total = combine(s.total, mean, assessment.review_weight)
        rows.append(
            AssessmentResult(
                assessment=assessment,
                district_id=assessment.district_id,
                region=s.community,
                score=s.total,
                review_count=len(scores),
                review_mean=mean,
                total=total,
                grade=grade_of(assessment, total),
                rank=0,
            )
        )
    rows.sort(key=lambda r: (-r.total, r.region.path))
    for n, row in enumerate(rows, start=1):
        row.rank = n
    AssessmentResult.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="supervision.assessment.publish",
        target=assessment,
        role=role,
        changes={"results": len(rows)},
    )
    url = reverse("sup_assessment", args=[assessment.pk])
    for row in rows:
        _tell(
            row.region,
            phrases.RESULT_PUBLISHED,
            {
                "year": assessment.year,
                "total": str(row.total),
                "grade": {"phrase": f"supervision.grade.{row.grade}", "params": {}},
            },
            url,
        )
    return assessment


@service("supervision.objection.raise")
def objection_raise(*, actor: Any, assessment: Assessment, community: Region, text: str) -> Objection:
    """The community objects to its published result within the objection period (one open
    objection at a time)."""
    role = policies.require_answer(actor, community)
    if assessment.status != AssessmentStatus.PUBLISHED:
        raise InvalidTransition(_("考评结果还没有公布。"))
    if not AssessmentResult.objects.filter(assessment=assessment, region=community, current=True).exists():
        raise NotAllowed(_("本次考评没有这个社区的结果。"))
    deadline = assessment.objection_deadline
    assert deadline is not None
    if timezone.localdate() > deadline:
        raise NotAllowed(_("异议期已于 %(date)s 结束。") % {"date": deadline.isoformat()})
    clean = _text(text, "text", max_length=2000, min_length=2, keep_lines=True)
    if Objection.objects.filter(
        assessment=assessment, region=community, status=ObjectionStatus.OPEN
    ).exists():
        raise Conflict(_("本社区已有一条异议在处理中。"), code="objection_open")
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                assessment=assessment,
                district_id=assessment.district_id,
                region=community,
                text=clean,
                by=_user(actor),
                by_label=_label(actor),
            )
    except IntegrityError:
        raise Conflict(_("本社区已有一条异议在处理中。"), code="objection_open") from None
    audit_record(
        actor=actor, action="supervision.objection.raise", target=assessment, role=role, message=clean[:300]
    )
    for user_id in RoleAssignment.objects.filter(
        region_id=assessment.district_id, role=Role.DISTRICT_ADMIN, revoked_at__isnull=True
    ).values_list("user_id", flat=True):
        notify(
            recipient_id=user_id,
            code=phrases.OBJECTION_RAISED,
            params={"community": community.name, "year": assessment.year},
            url=reverse("sup_assessment", args=[assessment.pk]),
        )
    return objection


@service("supervision.objection.decide")
def objection_decide(
    *,
    actor: Any,
    objection: Objection,
    uphold: bool,
    reason: str,
    score: Decimal | str | None = None,
    review_mean: Decimal | str | None = None,
) -> Objection:
    """Decide an objection with a reason. Upheld, the corrected score and/or review mean make a
    new version of the community's result; the old version stays on record."""
    assessment = objection.assessment
    role = policies.require_start(actor, assessment.district)
    clean = _text(reason, "reason", max_length=500, min_length=2)
    new_score = None if score in (None, "") else _decimal(score, "score", low=Decimal(0), high=Decimal(100))
    new_mean = (
        None
        if review_mean in (None, "")
        else _decimal(review_mean, "review_mean", low=Decimal(0), high=Decimal(100))
    )
    if uphold and new_score is None and new_mean is None:
        raise InvalidInput(_("异议成立时须填写更正后的对标得分或评议得分。"), field="score")
    status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    if (
        Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            status=status, decision_reason=clean, decided_at=timezone.now(), decided_by_label=_label(actor)
        )
        != 1
    ):
        raise InvalidTransition(_("这条异议已经处理过。"))
    objection.refresh_from_db()
    changes: dict[str, Any] = {"status": status}
    if uphold:
        old = AssessmentResult.objects.select_for_update().get(
            assessment=assessment, region_id=objection.region_id, current=True
        )
        s = new_score if new_score is not None else old.score
        m = new_mean if new_mean is not None else old.review_mean
        total = combine(s, m, assessment.review_weight)
        AssessmentResult.objects.filter(pk=old.pk, current=True).update(current=False)
        higher = AssessmentResult.objects.filter(assessment=assessment, current=True, total__gt=total).count()
        new = AssessmentResult.objects.create(
            assessment=assessment,
            district_id=assessment.district_id,
            region_id=objection.region_id,
            version=old.version + 1,
            score=s,
            review_count=old.review_count,
            review_mean=m,
            total=total,
            grade=grade_of(assessment, total),
            rank=higher + 1,
            objection=objection,
        )
        changes.update(
            {
                "version": new.version,
                "before": {
                    "score": old.score,
                    "review_mean": old.review_mean,
                    "total": old.total,
                    "grade": old.grade,
                },
                "after": {"score": s, "review_mean": m, "total": total, "grade": new.grade},
            }
        )
    audit_record(
        actor=actor,
        action="supervision.objection.decide",
        target=assessment,
        role=role,
        message=clean,
        changes=changes,
    )
    code = phrases.OBJECTION_UPHELD if uphold else phrases.OBJECTION_DISMISSED
    if objection.by_id:
        notify(
            recipient_id=objection.by_id,
            code=code,
            params={"year": assessment.year, "reason": clean},
            url=reverse("sup_assessment", args=[assessment.pk]),
        )
    return objection
