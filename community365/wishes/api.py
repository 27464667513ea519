"""/api/v1/wishes — the board, one wish, and every step of its lifecycle.

POST /wishes/{id}/claim answers 200 to the winner (and again to the winner repeating
it), 409 ``already_claimed`` to everyone else, 404 when the wish is not visible, 422 when the
user may not claim (with the reason)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import MONTH_PATTERN, YEAR_PATTERN, ErrorOut, Id, PageParams, paginate, words
from community365.core.errors import Conflict, InvalidInput
from community365.people.policies import get_visible_person

from . import policies, selectors, services
from .models import ServiceCategory, WishStatus
from .services import NOTE_MAX, REASON_MAX, TITLE_MAX, TITLE_MIN, VALUE_MAX

router = Router(tags=["wishes"])
ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Every answer the endpoints added for issue 8/9 can give (malformed JSON, no or bad token,
# not visible, refused state change, not allowed / invalid input).
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class WishOut(Schema):
    id: int
    title: str
    reason: str
    category: str
    category_label: str
    status: str
    status_label: str
    status_reason: str
    community: str
    community_id: int
    wisher: str
    value_yuan: int
    wanted_by: datetime.date | None
    published_at: datetime.datetime | None
    claimed_at: datetime.datetime | None
    claimed_by: str
    claimed_by_me: bool
    thanks: str
    rating: int | None
    market_id: int | None
    actions: list[str] = Field(..., description="what this user may do with the wish now")
    problem_reported: bool = Field(False, description="the wisher reported 没收到/有问题 (wisher side only)")


class WishEventOut(Schema):
    at: datetime.datetime
    action: str
    code: str
    label: str = Field(..., description="what happened, in the reader's language")
    from_status: str
    to_status: str
    note: str = Field(
        ..., description="a person's words as written, or a system note in the reader's language"
    )


class ContactOut(Schema):
    """Present only for the claimant, the wisher's side and the community's social workers,
    and only while the wish is claimed (see docs/wishes.md, "Contact after a claim")."""

    side: str = Field(..., description="claimant | wisher | worker")
    place: str = Field("", description="the wisher's community, building and stairwell (claimant only)")
    wisher_phone: str = Field("", description="only to the claimant, once shared, while the claim is active")
    claimant_name: str = ""
    claimant_unit: str = ""
    claimant_phone: str = Field("", description="only to the community's social workers")
    community: str = ""
    contacted_at: datetime.datetime | None = None
    contact_requested_at: datetime.datetime | None = None
    phone_shared_at: datetime.datetime | None = None
    wisher_has_phone: bool = False


class WishDetailOut(WishOut):
    history: list[WishEventOut]
    contact: ContactOut | None = None


class WishPage(Schema):
    items: list[WishOut]
    count: int


class WishFilter(Schema):
    q: str = Field("", max_length=40, description="text in the wish, its reason or community name")
    community: Id | None = Field(None, ge=1)
    category: ServiceCategory | None = None
    status: WishStatus | None = None
    reached: str = Field("", max_length=12, description="published | claimed | fulfilled | confirmed")


# The limits of ``services.clean_wish_text`` (whitespace is collapsed before counting).
TITLE = Field(..., max_length=TITLE_MAX, pattern=words(TITLE_MIN), description="4–60 characters")
VALUE = Field(0, ge=0, le=VALUE_MAX, description="estimated value in yuan, 0–5000")


class WishIn(Schema):
    person_id: Id | None = Field(None, ge=1, description="the wisher; omit to write your own wish")
    title: str = TITLE
    reason: str = Field("", max_length=REASON_MAX)
    value_yuan: int = VALUE
    category: ServiceCategory
    wanted_by: datetime.date | None = None
    submit: bool = True


class WishTextIn(Schema):
    title: str = TITLE
    reason: str = Field("", max_length=REASON_MAX)
    value_yuan: int = VALUE
    category: ServiceCategory


class ProblemIn(Schema):
    note: str = Field(
        "", max_length=NOTE_MAX, description="what did not arrive or is wrong (to the social workers only)"
    )


class WishReasonIn(Schema):
    reason: str = Field(..., max_length=REASON_MAX, pattern=words(2), description="2–300 characters")


class WishApproveIn(Schema):
    reason: str = Field(
        "", max_length=REASON_MAX, pattern=r"^$|" + words(2), description="empty, or 2–300 characters"
    )


class WishPublishIn(Schema):
    at: datetime.datetime | None = None


class FulfilIn(Schema):
    note: str = Field(..., max_length=NOTE_MAX, pattern=words(2), description="2–300 characters")


class ConfirmIn(Schema):
    thanks: str = Field("", max_length=200)
    rating: int | None = Field(None, ge=1, le=5)


class ClaimOut(WishOut):
    won: bool
    repeated: bool
    message: str


def _row(request: HttpRequest, wish: Any) -> Any:
    return selectors.wish_rows(request.user, [wish])[0]


def _detail(request: HttpRequest, wish_id: Id) -> dict[str, Any]:
    wish = policies.get_visible_wish(request.user, wish_id)
    data = _row(request, wish).__dict__.copy()
    data["history"] = [
        {
            "at": e.at,
            "action": e.action,
            "code": e.code,
            "label": e.label,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note_text,
        }
        for e in selectors.wish_history(wish)
    ]
    contact = selectors.contact_for(request.user, wish)
    data["contact"] = contact.__dict__ if contact is not None else None
    return data


@router.get("/wishes", response=WishPage)
def list_wishes(request: HttpRequest, filters: Query[WishFilter], page: Query[PageParams]) -> Any:
    """Wishes the user may see: the public board of the district, plus everything under the
    places the user oversees and the user's own wishes and claims."""
    qs = selectors.wish_search(
        request.user,
        q=filters.q,
        community=filters.community,
        category=filters.category or "",
        status=filters.status or "",
        reached=filters.reached,
    )
    wishes, count = paginate(selectors.for_rows(qs), page)
    return {"items": selectors.wish_rows(request.user, wishes), "count": count}


@router.post("/wishes", response={201: WishDetailOut, **ERRORS})
def create_wish(request: HttpRequest, payload: WishIn) -> Any:
    wisher: Any
    if payload.person_id is not None:
        wisher = get_visible_person(request.user, payload.person_id)
    else:
        wisher = getattr(request.user, "person", None)
        if wisher is None:
            raise InvalidInput(_("您的账号没有关联居民档案，请由社区社工代为登记。"), field="person_id")
    wish = services.wish_create(
        actor=request.user,
        wisher=wisher,
        title=payload.title,
        reason=payload.reason,
        value_yuan=payload.value_yuan,
        category=payload.category,
        wanted_by=payload.wanted_by,
        submit=payload.submit,
    )
    return Status(201, _detail(request, wish.pk))


@router.get("/wishes/{wish_id}", response={200: WishDetailOut, 404: ErrorOut})
def get_wish(request: HttpRequest, wish_id: Id) -> Any:
    return _detail(request, wish_id)


@router.post("/wishes/{wish_id}/claim", response={200: ClaimOut, **ERRORS})
def claim_wish(request: HttpRequest, wish_id: Id) -> Any:
    wish = policies.get_visible_wish(request.user, wish_id)
    outcome = services.wish_claim(actor=request.user, wish=wish)
    if not outcome.won:
        raise Conflict(_("手慢了，这个心愿已被认领。"), code="already_claimed")
    data = _detail(request, wish_id)
    data.update(
        won=True,
        repeated=outcome.repeated,
        message=services.claim_message(outcome),
    )
    return data


def _act(request: HttpRequest, wish_id: Id, fn: Any, **kwargs: Any) -> Any:
    wish = policies.get_visible_wish(request.user, wish_id)
    fn(actor=request.user, wish=wish, **kwargs)
    return _detail(request, wish_id)


@router.post("/wishes/{wish_id}/contacted", response={200: WishDetailOut, **ERRORS})
def contacted(request: HttpRequest, wish_id: Id) -> Any:
    return _act(request, wish_id, services.wish_mark_contacted)


@router.post("/wishes/{wish_id}/request-contact", response={200: WishDetailOut, **WRITE_ERRORS})
def request_contact(request: HttpRequest, wish_id: Id) -> Any:
    """The claimant asks the community's social workers to put them in touch with the wisher."""
    return _act(request, wish_id, services.wish_request_contact)


@router.post("/wishes/{wish_id}/share-phone", response={200: WishDetailOut, **WRITE_ERRORS})
def share_phone(request: HttpRequest, wish_id: Id) -> Any:
    """The wisher, or a social worker of the community, lets the current claimant see the
    wisher's phone while the claim is active."""
    return _act(request, wish_id, services.wish_share_phone)


@router.post("/wishes/{wish_id}/report-problem", response={200: WishDetailOut, **WRITE_ERRORS})
def report_problem(request: HttpRequest, wish_id: Id, payload: ProblemIn) -> Any:
    """没收到 / 有问题: the wisher's side tells the community's social workers instead of confirming."""
    return _act(request, wish_id, services.wish_report_problem, note=payload.note)


@router.post("/wishes/{wish_id}/resubmit", response={200: WishDetailOut, **WRITE_ERRORS})
def resubmit(request: HttpRequest, wish_id: Id, payload: WishTextIn) -> Any:
    """Correct a returned wish and send it back for review, in one step (nothing is saved
    when it is refused)."""
    return _act(
        request,
        wish_id,
        services.wish_resubmit,
        title=payload.title,
        reason=payload.reason,
        value_yuan=payload.value_yuan,
        category=payload.category,
    )


@router.post("/wishes/{wish_id}/release", response={200: WishDetailOut, **ERRORS})
def release(request: HttpRequest, wish_id: Id, payload: WishReasonIn) -> Any:
    return _act(request, wish_id, services.wish_release, reason=payload.reason)


@router.post("/wishes/{wish_id}/fulfil", response={200: WishDetailOut, **ERRORS})
def fulfil(request: HttpRequest, wish_id: Id, payload: FulfilIn) -> Any:
    return _act(request, wish_id, services.wish_fulfil, note=payload.note)


@router.post("/wishes/{wish_id}/confirm", response={200: WishDetailOut, **ERRORS})
def confirm(request: HttpRequest, wish_id: Id, payload: ConfirmIn) -> Any:
    return _act(request, wish_id, services.wish_confirm, thanks=payload.thanks, rating=payload.rating)


@router.post("/wishes/{wish_id}/submit", response={200: WishDetailOut, **ERRORS})
def submit(request: HttpRequest, wish_id: Id) -> Any:
    return _act(request, wish_id, services.wish_submit)


@router.post("/wishes/{wish_id}/approve", response={200: WishDetailOut, **ERRORS})
def approve(request: HttpRequest, wish_id: Id, payload: WishApproveIn | None = None) -> Any:
    return _act(request, wish_id, services.wish_approve, reason=payload.reason if payload else "")


@router.post("/wishes/{wish_id}/return", response={200: WishDetailOut, **ERRORS})
def return_(request: HttpRequest, wish_id: Id, payload: WishReasonIn) -> Any:
    return _act(request, wish_id, services.wish_return, reason=payload.reason)


@router.post("/wishes/{wish_id}/reject", response={200: WishDetailOut, **ERRORS})
def reject(request: HttpRequest, wish_id: Id, payload: WishReasonIn) -> Any:
    return _act(request, wish_id, services.wish_reject, reason=payload.reason)


@router.post("/wishes/{wish_id}/publish", response={200: WishDetailOut, **ERRORS})
def publish(request: HttpRequest, wish_id: Id, payload: WishPublishIn) -> Any:
    return _act(request, wish_id, services.wish_publish, at=payload.at)


@router.post("/wishes/{wish_id}/withdraw", response={200: WishDetailOut, **ERRORS})
def withdraw(request: HttpRequest, wish_id: Id, payload: WishReasonIn) -> Any:
    return _act(request, wish_id, services.wish_withdraw, reason=payload.reason)


class WishFigureOut(Schema):
    region_id: int
    region: str
    published: int
    claimed: int
    fulfilled: int
    confirmed: int
    median_hours_to_claim: float | None
    fulfilment_rate: float | None
    satisfaction: float | None


@router.get("/wishes-figures", response={200: list[WishFigureOut], 422: ErrorOut})
def figures(
    request: HttpRequest,
    month_from: str = Query(
        "",
        alias="from",
        pattern=MONTH_PATTERN,
        description="first month, YYYY-MM, 2000–2100 (by publication)",
    ),  # type: ignore[type-arg]
    month_to: str = Query(
        "", alias="to", pattern=MONTH_PATTERN, description="last month, YYYY-MM, 2000–2100"
    ),  # type: ignore[type-arg]
    year: str = Query(
        "", pattern=YEAR_PATTERN, description="a whole year, YYYY, 2000–2100 (instead of from/to)"
    ),  # type: ignore[type-arg]
) -> Any:
    """Figures for each place the user oversees and each community under it (see docs/wishes.md),
    from the same selector as the figures page; optionally over wishes published in a period."""
    from community365.core.charts import period_or_error

    period = period_or_error(month_from=month_from, month_to=month_to, year=year)
    regions = selectors.figure_regions(request.user) if policies.may_read_figures(request.user) else []
    return [
        {
            **{k: v for k, v in f.__dict__.items() if k not in ("region", "ratings")},
            "region_id": f.region.pk,
            "region": f.region.name,
        }
        for f in selectors.figures_for(request.user, regions, period)
    ]


# --- charity market ---------------------------------------------------------------------------


class MarketIn(Schema):
    region_id: Id = Field(..., ge=1, description="the district or subdistrict holding it")
    name: str = Field(..., max_length=100, pattern=words(2), description="2–100 characters")
    opens_at: datetime.datetime


class MarketWishesIn(Schema):
    wish_ids: list[Id] = Field(..., max_length=500)


class MarketInviteIn(Schema):
    organisation_ids: list[Id] = Field([], max_length=500)
    user_ids: list[Id] = Field([], max_length=500)


class ClaimantCountOut(Schema):
    claimant: str
    claims: int


class MarketOut(Schema):
    id: int
    name: str
    region: str
    opens_at: datetime.datetime
    status: str
    wishes: int
    claimed: int
    median_seconds_to_claim: float | None
    p90_seconds_to_claim: float | None
    per_claimant: list[ClaimantCountOut]


def _market_out(market: Any) -> dict[str, Any]:
    summary = selectors.market_summary(market)
    return {
        "id": market.pk,
        "name": market.name,
        "region": market.region.name,
        "opens_at": market.opens_at,
        "status": market.status,
        **summary.__dict__,
        "per_claimant": [{"claimant": label, "claims": n} for label, n in summary.per_claimant],
    }


@router.post("/wishes-markets", response={201: MarketOut, **ERRORS})
def create_market(request: HttpRequest, payload: MarketIn) -> Any:
    """Staff of a district or subdistrict set up a charity market."""
    from community365.regions.policies import get_visible_region

    region = get_visible_region(request.user, payload.region_id)
    market = services.market_create(
        actor=request.user, region=region, name=payload.name, opens_at=payload.opens_at
    )
    return Status(201, _market_out(market))


@router.get("/wishes-markets/{market_id}", response={200: MarketOut, 404: ErrorOut})
def get_market(request: HttpRequest, market_id: Id) -> Any:
    """The market and its summary: wishes claimed, seconds to claim (median, p90), claims per claimant."""
    return _market_out(policies.get_visible_market(request.user, market_id))


@router.post("/wishes-markets/{market_id}/wishes", response={200: MarketOut, **ERRORS})
def add_market_wishes(request: HttpRequest, market_id: Id, payload: MarketWishesIn) -> Any:
    market = policies.get_visible_market(request.user, market_id)
    wishes = [policies.get_visible_wish(request.user, wid) for wid in payload.wish_ids]
    services.market_add_wishes(actor=request.user, market=market, wishes=wishes)
    return _market_out(market)


@router.post("/wishes-markets/{market_id}/invite", response={200: MarketOut, **ERRORS})
def invite_to_market(request: HttpRequest, market_id: Id, payload: MarketInviteIn) -> Any:
    from community365.people.policies import users_visible_to
    from community365.regions.policies import organisations_visible_to

    market = policies.get_visible_market(request.user, market_id)
    services.market_invite(
        actor=request.user,
        market=market,
        organisations=list(
            organisations_visible_to(request.user).filter(
                pk__in=payload.organisation_ids, district_id=market.district_id
            )
        ),
        users=list(users_visible_to(request.user).filter(pk__in=payload.user_ids)),
    )
    return _market_out(market)


@router.post("/wishes-markets/{market_id}/open", response={200: MarketOut, **ERRORS})
def open_market(request: HttpRequest, market_id: Id) -> Any:
    """Open now (the sweep opens a market by itself at its opening time)."""
    market = policies.get_visible_market(request.user, market_id)
    services.market_open(actor=request.user, market=market)
    return _market_out(market)


@router.post("/wishes-markets/{market_id}/close", response={200: MarketOut, **ERRORS})
def close_market(request: HttpRequest, market_id: Id) -> Any:
    market = policies.get_visible_market(request.user, market_id)
    services.market_close(actor=request.user, market=market)
    return _market_out(market)
