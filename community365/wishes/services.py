"""Every write about wishes, claims and charity markets. Each is one transaction with an
audit entry; notifications leave only on commit.

The flash claim (``wish_claim``) is decided by the database: one conditional UPDATE of the
wish's own row (``WHERE status = 'published'``) picks the single winner, and a partial unique
index on the active claim backs it up. No read-then-write in Python decides who wins."""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.models import AuditResult
from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import SystemActor, actor_label
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.phrases import date_param
from community365.core.uploads import clean_image
from community365.notifications.services import notify
from community365.people import policies as people_policies
from community365.people.identity import looks_like_id_number, looks_like_phone
from community365.people.models import Person, User
from community365.regions.models import Organisation, Region, RegionKind

from . import phrases, policies, selectors
from .models import CharityMarket, Claim, OrganisationAccount, ServiceCategory, Wish, WishEvent, WishStatus
from .states import OPEN_STATES, TRANSITIONS

# --- time ---------------------------------------------------------------------------------------
# The demo generator replays a year of wishes through these services; it sets the clock for
# that. Everything else runs on the real clock.
_clock: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "wishes_clock", default=None
)


def now() -> datetime.datetime:
    return _clock.get() or timezone.now()


@contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[None]:
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


def setting(name: str) -> int:
    defaults = {
        "WISH_MAX_OPEN_PER_RESIDENT": 2,
        "WISH_MAX_ACTIVE_CLAIMS": 3,
        "WISH_CONTACT_DAYS": 7,
        "WISH_WARN_DAYS": 5,
    }
    return int(getattr(settings, name, defaults[name]))


# --- checks -------------------------------------------------------------------------------------
TITLE_MIN, TITLE_MAX, REASON_MAX, NOTE_MAX, VALUE_MAX = 4, 60, 300, 300, 5000
PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
PHOTO_MAX_BYTES = 2 * 1024 * 1024


def _public_text(value: str, field: str, *, max_length: int, min_length: int = 0) -> str:
    text = " ".join((value or "").split())
    if len(text) < min_length or len(text) > max_length:
        raise InvalidInput(
            _("内容长度须为 %(a)s–%(b)s 个字。") % {"a": min_length, "b": max_length}, field=field
        )
    if looks_like_id_number(text):
        raise InvalidInput(_("公开内容里不能写身份证号码。"), field=field)
    if looks_like_phone(text):
        raise InvalidInput(_("公开内容里不能写手机号码，认领人会通过平台联系。"), field=field)
    return text


@dataclass(frozen=True)
class WishText:
    """What a wisher writes, checked: the one input shape shared by create, edit and resubmit."""

    title: str
    reason: str
    value_yuan: int
    category: str


def clean_wish_text(*, title: str, reason: str, value_yuan: int | str | None, category: str) -> WishText:
    """The rules for a wish's words and value, in one place so create and edit cannot drift."""
    clean_title = _public_text(title, "title", max_length=TITLE_MAX, min_length=TITLE_MIN)
    clean_reason = _public_text(reason, "reason", max_length=REASON_MAX)
    if category not in ServiceCategory.values:
        raise InvalidInput(_("请选择六服务中的一类。"), field="category")
    try:
        value = int(value_yuan or 0)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= VALUE_MAX:
        raise InvalidInput(_("微心愿的估计价值须在 0–%(n)s 元之间。") % {"n": VALUE_MAX}, field="value_yuan")
    return WishText(title=clean_title, reason=clean_reason, value_yuan=value, category=category)


def _reason(value: str) -> str:
    return _public_text(value, "reason", max_length=REASON_MAX, min_length=2)


def _check_photo(photo: Any, field: str) -> Any:
    """The photo re-encoded from its content (core.uploads.clean_image), or None."""
    if photo is None:
        return None
    name = (getattr(photo, "name", "") or "").lower()
    if not any(name.endswith(ext) for ext in PHOTO_TYPES):
        raise InvalidInput(_("照片须为 JPG、PNG 或 WebP 格式。"), field=field)
    if getattr(photo, "size", 0) > PHOTO_MAX_BYTES:
        raise InvalidInput(_("照片不能超过 2MB。"), field=field)
    return clean_image(photo, field=field)


def _user_or_none(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _event(
    wish: Wish,
    action: str,
    from_status: str,
    actor: Any,
    note: str = "",
    system_note: dict[str, Any] | None = None,
    at: Any = None,
) -> WishEvent:
    """One row of the wish's history: a code, and the note either as a person wrote it or as
    a phrase the system chose (both rendered for the reader at display time)."""
    params: dict[str, Any] = {}
    if system_note is not None:
        params["note"] = system_note
    elif note:
        params["note"] = note[:300]
    return WishEvent(
        wish=wish,
        at=at or now(),
        action=action,
        code=phrases.event_code(action),
        params=params,
        from_status=from_status,
        to_status=wish.status,
        actor=_user_or_none(actor),
        actor_label=actor_label(actor)[:150],
        note=note[:300],
    )


def _record(
    wish: Wish,
    action: str,
    from_status: str,
    actor: Any,
    note: str = "",
    system_note: dict[str, Any] | None = None,
    at: Any = None,
) -> None:
    _event(wish, action, from_status, actor, note, system_note, at).save()


def _move(
    *,
    actor: Any,
    wish: Wish,
    action: str,
    role: str,
    note: str = "",
    system_note: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Wish:
    """Apply one transition of the table as a conditional UPDATE; refuse an illegal one.

    ``note`` is what a person wrote (shown as written, kept as the wish's latest reason);
    ``system_note`` a phrase the system wrote (shown in the history, in the reader's language)."""
    transition = TRANSITIONS[action]
    values = {"status": transition.target, "status_reason": note[:300], **(fields or {})}
    moved = Wish.objects.filter(pk=wish.pk, status__in=transition.sources).update(**values)
    if moved != 1:
        current = Wish.objects.filter(pk=wish.pk).values_list("status", flat=True).first() or wish.status
        raise InvalidTransition(
            _("这个心愿目前是“%(state)s”，不能“%(action)s”。")
            % {"state": WishStatus(current).label, "action": transition.label}
        )
    before = wish.status if wish.status in transition.sources else ""
    for key, value in values.items():
        setattr(wish, key, value)
    _record(wish, action, before, actor, note, system_note)
    audit_record(
        actor=actor,
        action=f"wishes.wish:{action}",
        target=wish,
        role=role,
        message=note,
        changes={"from": before, "to": wish.status},
    )
    return wish


def _wish_url(wish: Wish) -> str:
    return reverse("wish_detail", args=[wish.pk])


def _tell_wisher(wish: Wish, code: str, **params: Any) -> None:
    """The wisher, and the social worker who entered the wish for them."""
    for user_id in {wish.wisher.user_id, wish.entered_by_id} - {None}:
        notify(recipient_id=user_id, code=code, params={"title": wish.title, **params}, url=_wish_url(wish))  # type: ignore[arg-type]


def _tell_workers(wish: Wish, code: str, **params: Any) -> None:
    """The community's social workers (its secretary when it has none)."""
    for user_id in selectors.community_worker_ids(wish.region_id):
        notify(recipient_id=user_id, code=code, params={"title": wish.title, **params}, url=_wish_url(wish))


def _note_param(note: str, default: dict[str, Any] | None = None) -> Any:
    return note if note else (default or "")


def _wisher_side_role(actor: Any, wish: Wish, message: str) -> str:
    """The role in which ``actor`` acts for the wisher: the wisher themself ("resident"), or a
    reviewer of the wish's community (their role there); anyone else is refused."""
    if policies.is_wisher(actor, wish):
        return "resident"
    return permissions.require_at(actor, policies.REVIEW.name, wish.region.path, message)


# --- writing and reviewing ------------------------------------------------------------------------


@service("wishes.wish:create")
def wish_create(
    *,
    actor: Any,
    wisher: Person,
    title: str,
    reason: str = "",
    value_yuan: int = 0,
    category: str,
    wanted_by: datetime.date | None = None,
    photo: Any = None,
    submit: bool = True,
) -> Wish:
    """A resident writes a wish, or a social worker enters it for them (recorded as ``entered_by``)."""
    own = isinstance(actor, User) and wisher.user_id == actor.pk
    if own:
        role = "resident"
    elif permissions.is_global(actor):
        role = permissions.acting_role(actor, policies.REVIEW.name, wisher.region.path)
    else:
        role = permissions.require_at(
            actor,
            policies.REVIEW.name,
            wisher.community.path,
            _("只有本人或本社区的社工可以为这位居民登记心愿。"),
        )
    text = clean_wish_text(title=title, reason=reason, value_yuan=value_yuan, category=category)
    today = timezone.localdate(now())
    if wanted_by is not None and wanted_by < today:
        raise InvalidInput(_("希望实现日期不能早于今天。"), field="wanted_by")
    photo = _check_photo(photo, "photo")
    limit = setting("WISH_MAX_OPEN_PER_RESIDENT")
    if Wish.objects.filter(wisher=wisher, status__in=OPEN_STATES).count() >= limit:
        raise NotAllowed(
            _("每位居民同时最多有 %(n)s 个未完成的心愿，请等已有心愿完成后再提交。") % {"n": limit},
            code="too_many_wishes",
        )
    at = now()
    wish = Wish(
        district_id=wisher.district_id,
        region=wisher.community,
        wisher=wisher,
        entered_by=None if own else _user_or_none(actor),
        title=text.title,
        reason=text.reason,
        value_yuan=text.value_yuan,
        category=text.category,
        wanted_by=wanted_by,
        created_at=at,
    )
    if photo is not None:
        wish.photo = photo
    wish.save()
    _record(
        wish, "create", "", actor, system_note=None if own else phrases.note(phrases.NOTE_ENTERED_BY_WORKER)
    )
    audit_record(actor=actor, action="wishes.wish:create", target=wish, role=role)
    if submit:
        _move(actor=actor, wish=wish, action="submit", role=role, fields={"submitted_at": at})
    return wish


def _apply_text(wish: Wish, text: WishText) -> None:
    wish.title, wish.reason = text.title, text.reason
    wish.value_yuan, wish.category = text.value_yuan, text.category
    wish.save(update_fields=["title", "reason", "category", "value_yuan"])


def _require_editable(actor: Any, wish: Wish) -> str:
    role = _wisher_side_role(actor, wish, _("只有心愿人或本社区社工可以修改心愿。"))
    if wish.status not in (WishStatus.DRAFT, WishStatus.RETURNED):
        raise InvalidTransition(_("只有草稿或退回修改的心愿可以修改。"))
    return role


@service("wishes.wish:edit")
def wish_edit(
    *, actor: Any, wish: Wish, title: str, reason: str = "", value_yuan: int = 0, category: str
) -> Wish:
    """Change the text of a draft or returned wish (the wisher, or a social worker for them)."""
    role = _require_editable(actor, wish)
    _apply_text(wish, clean_wish_text(title=title, reason=reason, value_yuan=value_yuan, category=category))
    audit_record(actor=actor, action="wishes.wish:edit", target=wish, role=role)
    return wish


@service("wishes.wish:submit")
def wish_submit(*, actor: Any, wish: Wish) -> Wish:
    role = _wisher_side_role(actor, wish, _("只有心愿人或本社区社工可以提交心愿。"))
    return _move(actor=actor, wish=wish, action="submit", role=role, fields={"submitted_at": now()})


@service("wishes.wish:resubmit")
def wish_resubmit(
    *, actor: Any, wish: Wish, title: str, reason: str = "", value_yuan: int = 0, category: str
) -> Wish:
    """Correct a returned (or draft) wish as asked and send it back for review: one action, one
    transaction, so a refused submit leaves nothing half-saved."""
    role = _require_editable(actor, wish)
    _apply_text(wish, clean_wish_text(title=title, reason=reason, value_yuan=value_yuan, category=category))
    audit_record(actor=actor, action="wishes.wish:edit", target=wish, role=role)
    return _move(actor=actor, wish=wish, action="submit", role=role, fields={"submitted_at": now()})


@service("wishes.wish:approve")
def wish_approve(*, actor: Any, wish: Wish, reason: str = "") -> Wish:
    role = policies.require_review(actor, wish)
    note = _reason(reason) if reason else ""
    default = phrases.note(phrases.NOTE_DEFAULT_APPROVAL)
    _move(
        actor=actor, wish=wish, action="approve", role=role, note=note, system_note=None if note else default
    )
    _tell_wisher(wish, phrases.APPROVED, note=_note_param(note, default))
    return wish


@service("wishes.wish:return")
def wish_return(*, actor: Any, wish: Wish, reason: str) -> Wish:
    role = policies.require_review(actor, wish)
    note = _reason(reason)
    _move(actor=actor, wish=wish, action="return", role=role, note=note)
    _tell_wisher(wish, phrases.RETURNED, note=note)
    return wish


@service("wishes.wish:reject")
def wish_reject(*, actor: Any, wish: Wish, reason: str) -> Wish:
    role = policies.require_review(actor, wish)
    note = _reason(reason)
    _move(actor=actor, wish=wish, action="reject", role=role, note=note, fields={"closed_at": now()})
    _tell_wisher(wish, phrases.REJECTED, note=note)
    return wish


@service("wishes.wish:publish")
def wish_publish(*, actor: Any, wish: Wish, at: datetime.datetime | None = None) -> Wish:
    """Publish now, or schedule it for ``at`` (the sweep publishes it then)."""
    role = policies.require_review(actor, wish)
    current = now()
    if at is not None and at > current:
        return _move(
            actor=actor,
            wish=wish,
            action="schedule",
            role=role,
            system_note=phrases.note(phrases.NOTE_SCHEDULED, at=date_param(at)),
            fields={"publish_at": at},
        )
    if wish.market_id is not None and wish.status == WishStatus.SCHEDULED:
        raise NotAllowed(_("这个心愿属于公益集市，将在开市时统一发布。"))
    return _move(
        actor=actor,
        wish=wish,
        action="publish",
        role=role,
        fields={"published_at": current, "publish_at": None},
    )


@service("wishes.wish:withdraw")
def wish_withdraw(*, actor: Any, wish: Wish, reason: str) -> Wish:
    role = _wisher_side_role(actor, wish, _("只有心愿人或本社区社工可以撤回心愿。"))
    note = _reason(reason)
    return _move(
        actor=actor,
        wish=wish,
        action="withdraw",
        role=role,
        note=note,
        fields={"closed_at": now(), "market": None},
    )


# --- claiming -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimOutcome:
    """``won``: this call (or an earlier one by the same claimant) holds the wish."""

    won: bool
    repeated: bool = False
    claim: Claim | None = None


@service("wishes.wish:claim")
def wish_claim(*, actor: Any, wish: Wish) -> ClaimOutcome:
    """Claim a published wish. Exactly one claimant wins; the others get ``won=False`` and
    nothing is written for them. Claiming again what one already holds is a no-op."""
    if not isinstance(actor, User):
        raise NotAllowed(_("认领须由具体的人或组织账号进行。"))
    role = policies.require_claimant(actor, wish)
    if policies.is_wisher(actor, wish):
        raise NotAllowed(_("不能认领自己的心愿。"))
    mine = Claim.objects.filter(wish_id=wish.pk, claimant_id=actor.pk, status=Claim.Status.ACTIVE).first()
    if mine is not None:
        return ClaimOutcome(won=True, repeated=True, claim=mine)
    status = Wish.objects.filter(pk=wish.pk).values_list("status", flat=True).first()
    if status in (WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED):
        return _lost(actor, wish, role)
    if status != WishStatus.PUBLISHED:
        raise InvalidTransition(
            _("这个心愿目前是“%(state)s”，还不能认领。")
            % {"state": WishStatus(status or WishStatus.DRAFT).label}
        )
    limit = setting("WISH_MAX_ACTIVE_CLAIMS")
    # One claimant's claims queue behind each other (a row lock on the account; SQLite's
    # IMMEDIATE transactions already serialise writers), so the limit holds under a burst.
    User.objects.select_for_update().filter(pk=actor.pk).exists()
    if Claim.objects.filter(claimant_id=actor.pk, status=Claim.Status.ACTIVE).count() >= limit:
        raise NotAllowed(
            _("您已有 %(n)s 个认领尚未完成，请先完成或放弃其中一个。") % {"n": limit}, code="too_many_claims"
        )
    at = now()
    won = (
        Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).update(
            status=WishStatus.CLAIMED,
            claimed_by=actor,
            claimed_at=at,
            first_claimed_at=Coalesce(F("first_claimed_at"), at),
            status_reason="",
        )
        == 1
    )
    if not won:
        # The same claimant racing themself (a double tap) finds their own claim.
        mine = Claim.objects.filter(wish_id=wish.pk, claimant_id=actor.pk, status=Claim.Status.ACTIVE).first()
        if mine is None:
            return _lost(actor, wish, role)
        return ClaimOutcome(won=True, repeated=True, claim=mine)
    account = OrganisationAccount.objects.filter(user_id=actor.pk).first()
    claim = Claim.objects.create(
        wish=wish,
        district_id=wish.district_id,
        claimant=actor,
        claimant_role=role,
        organisation_id=account.organisation_id if account else None,
        claimed_at=at,
    )
    before = WishStatus.PUBLISHED
    wish.status, wish.claimed_by, wish.claimed_at = WishStatus.CLAIMED, actor, at
    wish.first_claimed_at = wish.first_claimed_at or at
    _record(wish, "claim", before, actor)
    audit_record(actor=actor, action="wishes.wish:claim", target=wish, role=role)
    who = selectors.claimant_of(claim)
    _tell_wisher(
        wish, phrases.CLAIMED, claimant=who.name, unit=who.unit_param, days=setting("WISH_CONTACT_DAYS")
    )
    return ClaimOutcome(won=True, claim=claim)


def claim_message(outcome: ClaimOutcome) -> str:
    """What the claimant is told, with the contact period from the setting."""
    if not outcome.won:
        return str(_("手慢了，这个心愿已被认领。"))
    if outcome.repeated:
        return str(_("您已认领过这个心愿。"))
    return str(
        _("认领成功！请在 %(n)s 天内联系心愿人：可以请社区社工帮忙联系，或等心愿人把电话告诉您。")
        % {"n": setting("WISH_CONTACT_DAYS")}
    )


def _lost(actor: User, wish: Wish, role: str) -> ClaimOutcome:
    """A lost race is a refusal and is audited, but only after the claim's transaction has
    ended: one insert outside the lock, so the hot path is not held up for the winner."""
    message = str(_("手慢了，这个心愿已被认领。"))
    transaction.on_commit(
        lambda: audit_record(
            actor=actor,
            action="wishes.wish:claim",
            target=wish,
            role=role,
            result=AuditResult.REFUSED,
            message=message,
            changes={"code": "already_claimed"},
        )
    )
    return ClaimOutcome(won=False)


def _active_claim_of(actor: Any, wish: Wish) -> Claim:
    claim = Claim.objects.filter(wish_id=wish.pk, claimant_id=actor.pk, status=Claim.Status.ACTIVE).first()
    if claim is None:
        raise NotAllowed(_("您没有认领这个心愿。"))
    return claim


@service("wishes.wish:contacted")
def wish_mark_contacted(*, actor: Any, wish: Wish) -> Claim:
    """The claimant has reached the wisher; the lapse after ``WISH_CONTACT_DAYS`` no longer applies."""
    claim = _active_claim_of(actor, wish)
    if claim.contacted_at is None:
        claim.contacted_at = now()
        claim.save(update_fields=["contacted_at"])
        _record(wish, "contacted", wish.status, actor)
        audit_record(actor=actor, action="wishes.wish:contacted", target=wish, role=claim.claimant_role)
    return claim


# --- the contact path (docs/wishes.md "Contact after a claim") ----------------------------------


@service("wishes.wish:request_contact")
def wish_request_contact(*, actor: Any, wish: Wish) -> Claim:
    """The claimant asks the community's social workers to put them in touch with the wisher.
    Asking again while the request stands changes nothing."""
    claim = _active_claim_of(actor, wish)
    if claim.contact_requested_at is None:
        claim.contact_requested_at = now()
        claim.save(update_fields=["contact_requested_at"])
        _record(wish, "contact_request", wish.status, actor)
        audit_record(actor=actor, action="wishes.wish:request_contact", target=wish, role=claim.claimant_role)
        who = selectors.claimant_of(claim)
        _tell_workers(wish, phrases.CONTACT_REQUESTED, claimant=who.name, unit=who.unit_param)
    return claim


@service("wishes.wish:share_phone")
def wish_share_phone(*, actor: Any, wish: Wish) -> Claim:
    """The wisher, or a social worker of the community with the wisher's consent, lets the
    current claimant see the wisher's phone. It is shown only while this claim is active: when
    the claim is released, lapses or is fulfilled, nobody sees it through the wish any more."""
    role = _wisher_side_role(actor, wish, _("只有心愿人或本社区社工可以把电话告知认领人。"))
    claim = Claim.objects.filter(wish_id=wish.pk, status=Claim.Status.ACTIVE).first()
    if claim is None:
        raise InvalidTransition(_("这个心愿目前没有认领人。"))
    if not wish.wisher.phone:
        raise NotAllowed(_("心愿人的档案里没有电话，请社工代为转告认领人。"), code="no_phone")
    if claim.phone_shared_at is None:
        claim.phone_shared_at, claim.phone_shared_by = now(), _user_or_none(actor)
        claim.save(update_fields=["phone_shared_at", "phone_shared_by"])
        _record(wish, "phone_shared", wish.status, actor)
        audit_record(
            actor=actor,
            action="wishes.wish:share_phone",
            target=wish,
            role=role,
            changes={"claim": claim.pk, "claimant": claim.claimant_id},
        )
        notify(
            recipient_id=claim.claimant_id,
            code=phrases.PHONE_SHARED,
            params={"title": wish.title},
            url=_wish_url(wish),
        )
    return claim


def _end_claim(claim: Claim, status: str, reason: str, at: datetime.datetime) -> None:
    claim.status, claim.ended_at, claim.end_reason = status, at, reason[:300]
    claim.save(update_fields=["status", "ended_at", "end_reason"])


@service("wishes.wish:release")
def wish_release(*, actor: Any, wish: Wish, reason: str) -> Wish:
    claim = _active_claim_of(actor, wish)
    note = _reason(reason)
    at = now()
    _end_claim(claim, Claim.Status.RELEASED, note, at)
    _move(
        actor=actor,
        wish=wish,
        action="release",
        role=claim.claimant_role,
        note=note,
        fields={"claimed_by": None, "claimed_at": None},
    )
    _tell_wisher(wish, phrases.RELEASED, note=note)
    return wish


@service("wishes.wish:fulfil")
def wish_fulfil(*, actor: Any, wish: Wish, note: str, photo: Any = None) -> Wish:
    claim = _active_claim_of(actor, wish)
    text = _public_text(note, "note", max_length=NOTE_MAX, min_length=2)
    photo = _check_photo(photo, "photo")
    at = now()
    if photo is not None:
        wish.delivery_photo = photo
        wish.save(update_fields=["delivery_photo"])
    _move(
        actor=actor,
        wish=wish,
        action="fulfil",
        role=claim.claimant_role,
        note=text,
        fields={"delivered_at": at, "delivery_note": text},
    )
    _end_claim(claim, Claim.Status.FULFILLED, "", at)
    if claim.contacted_at is None:
        claim.contacted_at = at
        claim.save(update_fields=["contacted_at"])
    _tell_wisher(wish, phrases.DELIVERED, note=text)
    return wish


@service("wishes.wish:confirm")
def wish_confirm(*, actor: Any, wish: Wish, thanks: str = "", rating: int | None = None) -> Wish:
    role = _wisher_side_role(actor, wish, _("只有心愿人本人或本社区社工可以确认圆梦。"))
    if rating is not None and not 1 <= int(rating) <= 5:
        raise InvalidInput(_("满意度须为 1–5 分。"), field="rating")
    text = _public_text(thanks, "thanks", max_length=200)
    at = now()
    _move(
        actor=actor,
        wish=wish,
        action="confirm",
        role=role,
        note=text,
        fields={"confirmed_at": at, "closed_at": at, "thanks": text, "rating": rating},
    )
    if wish.claimed_by_id:
        notify(
            recipient_id=wish.claimed_by_id,
            code=phrases.CONFIRMED,
            params={"title": wish.title, "note": text},
            url=_wish_url(wish),
        )
    return wish


@service("wishes.wish:report_problem")
def wish_report_problem(*, actor: Any, wish: Wish, note: str = "") -> Wish:
    """ "没收到 / 有问题": instead of confirming, the wisher (or their social worker) tells the
    community's social workers that the delivery did not arrive or is not right. The wish stays
    delivered and shows the report to the workers until it is confirmed."""
    role = _wisher_side_role(actor, wish, _("只有心愿人本人或本社区社工可以反映问题。"))
    if wish.status != WishStatus.DELIVERED:
        raise InvalidTransition(
            _("这个心愿目前是“%(state)s”，只有已送达的心愿可以反映没收到或有问题。")
            % {"state": WishStatus(wish.status).label}
        )
    if wish.problem_reported_at is not None:
        raise NotAllowed(_("已经告诉社工了，社工会尽快联系您。"), code="already_reported")
    text = " ".join((note or "").split())
    if len(text) > NOTE_MAX:
        raise InvalidInput(_("内容长度须为 %(a)s–%(b)s 个字。") % {"a": 0, "b": NOTE_MAX}, field="note")
    wish.problem_reported_at, wish.problem_note = now(), text
    wish.save(update_fields=["problem_reported_at", "problem_note"])
    # The history is public with the wish; the resident's words go to the workers only.
    _record(wish, "report_problem", wish.status, actor)
    audit_record(actor=actor, action="wishes.wish:report_problem", target=wish, role=role, message=text)
    _tell_workers(wish, phrases.PROBLEM_REPORTED, note=text)
    return wish


# --- the sweep (scheduled) ------------------------------------------------------------------------


@service("wishes.sweep")
def wishes_sweep(*, actor: SystemActor) -> dict[str, int]:
    """Lapse claims without contact after the contact period (and warn before), publish wishes
    whose time has come, open charity markets at their opening time, expire overdue wishes."""
    at = now()
    counts = {"warned": 0, "lapsed": 0, "published": 0, "markets_opened": 0, "expired": 0}
    contact = datetime.timedelta(days=setting("WISH_CONTACT_DAYS"))
    warn = datetime.timedelta(days=setting("WISH_WARN_DAYS"))
    active = Claim.objects.filter(status=Claim.Status.ACTIVE, contacted_at__isnull=True).select_related(
        "wish"
    )
    for claim in active.filter(claimed_at__lte=at - contact):
        wish = claim.wish
        lapsed = phrases.note(phrases.NOTE_LAPSED, days=contact.days)
        _end_claim(claim, Claim.Status.LAPSED, "", at)
        _move(
            actor=actor,
            wish=wish,
            action="lapse",
            role="system",
            system_note=lapsed,
            fields={"claimed_by": None, "claimed_at": None},
        )
        notify(
            recipient_id=claim.claimant_id,
            code=phrases.CLAIM_LAPSED,
            params={"title": wish.title, "note": lapsed},
            url=_wish_url(wish),
        )
        counts["lapsed"] += 1
    for claim in active.filter(
        claimed_at__lte=at - warn, claimed_at__gt=at - contact, warned_at__isnull=True
    ):
        claim.warned_at = at
        claim.save(update_fields=["warned_at"])
        notify(
            recipient_id=claim.claimant_id,
            code=phrases.CLAIM_WARNING,
            params={"title": claim.wish.title, "deadline": date_param(claim.claimed_at + contact)},
            url=_wish_url(claim.wish),
        )
        counts["warned"] += 1
    for market in CharityMarket.objects.filter(status=CharityMarket.Status.PLANNED, opens_at__lte=at):
        _open_market(actor, market, at)
        counts["markets_opened"] += 1
    for wish in Wish.objects.filter(status=WishStatus.SCHEDULED, market__isnull=True, publish_at__lte=at):
        _move(
            actor=actor,
            wish=wish,
            action="publish",
            role="system",
            fields={"published_at": at, "publish_at": None},
        )
        counts["published"] += 1
    today = timezone.localdate(at)
    for wish in Wish.objects.filter(status=WishStatus.PUBLISHED, wanted_by__lt=today):
        _move(
            actor=actor,
            wish=wish,
            action="expire",
            role="system",
            system_note=phrases.note(phrases.NOTE_EXPIRED),
            fields={"closed_at": at},
        )
        counts["expired"] += 1
    audit_record(actor=actor, action="wishes.sweep", changes=counts)
    return counts


# --- charity market -------------------------------------------------------------------------------


def _require_market(actor: Any, region: Region) -> str:
    return permissions.require_at(
        actor, policies.RUN_MARKET.name, region.path, _("只有区委组织部或街道工作人员可以组织公益集市。")
    )


@service("wishes.market:create")
def market_create(*, actor: Any, region: Region, name: str, opens_at: datetime.datetime) -> CharityMarket:
    if region.kind not in (RegionKind.DISTRICT, RegionKind.SUBDISTRICT):
        raise InvalidInput(_("公益集市由区或街道举办。"), field="region")
    role = _require_market(actor, region)
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 100:
        raise InvalidInput(_("名称须为 2–100 个字。"), field="name")
    market = CharityMarket.objects.create(
        district_id=region.district_id or region.pk,
        region=region,
        name=name,
        opens_at=opens_at,
        created_by=_user_or_none(actor),
        created_at=now(),
    )
    audit_record(actor=actor, action="wishes.market:create", target=market, role=role)
    return market


@service("wishes.market:add_wishes")
def market_add_wishes(*, actor: Any, market: CharityMarket, wishes: Iterable[Wish]) -> int:
    role = _require_market(actor, market.region)
    if market.status != CharityMarket.Status.PLANNED:
        raise InvalidTransition(_("公益集市已开市，不能再加入心愿。"))
    added = 0
    for wish in wishes:
        if not wish.region.path.startswith(market.region.path):
            raise NotAllowed(_("心愿“%(t)s”不在本集市的范围内。") % {"t": wish.title})
        _move(
            actor=actor,
            wish=wish,
            action="schedule",
            role=role,
            system_note=phrases.note(phrases.NOTE_MARKET_ADDED, market=market.name),
            fields={"market": market, "publish_at": market.opens_at},
        )
        added += 1
    return added


@service("wishes.market:invite")
def market_invite(
    *,
    actor: Any,
    market: CharityMarket,
    organisations: Iterable[Organisation] = (),
    users: Iterable[User] = (),
) -> CharityMarket:
    role = _require_market(actor, market.region)
    orgs, people_ = list(organisations), list(users)
    market.invited_organisations.add(*orgs)
    market.invited_users.add(*people_)
    recipients = {u.pk for u in people_} | set(
        OrganisationAccount.objects.filter(organisation__in=orgs).values_list("user_id", flat=True)
    )
    for user_id in recipients:
        notify(
            recipient_id=user_id,
            code=phrases.MARKET_INVITE,
            params={"market": market.name, "at": date_param(market.opens_at)},
            url=reverse("market_detail", args=[market.pk]),
        )
    audit_record(
        actor=actor,
        action="wishes.market:invite",
        target=market,
        role=role,
        changes={"organisations": len(orgs), "users": len(people_)},
    )
    return market


def _open_market(actor: Any, market: CharityMarket, at: datetime.datetime) -> int:
    if (
        CharityMarket.objects.filter(pk=market.pk, status=CharityMarket.Status.PLANNED).update(
            status=CharityMarket.Status.OPEN, opened_at=at
        )
        != 1
    ):
        raise InvalidTransition(_("公益集市已经开市或结束。"))
    market.status, market.opened_at = CharityMarket.Status.OPEN, at
    ids = list(Wish.objects.filter(market=market, status=WishStatus.SCHEDULED).values_list("pk", flat=True))
    # The whole batch goes live in one statement.
    Wish.objects.filter(pk__in=ids, status=WishStatus.SCHEDULED).update(
        status=WishStatus.PUBLISHED, published_at=at, publish_at=None, status_reason=""
    )
    opened = phrases.note(phrases.NOTE_MARKET_OPENED, market=market.name)
    events = []
    for pk in ids:
        event = _event(
            Wish(pk=pk, status=WishStatus.PUBLISHED), "publish", WishStatus.SCHEDULED, actor, "", opened, at
        )
        events.append(event)
    WishEvent.objects.bulk_create(events)
    audit_record(actor=actor, action="wishes.market:open", target=market, changes={"wishes": len(ids)})
    return len(ids)


@service("wishes.market:open")
def market_open(*, actor: Any, market: CharityMarket) -> int:
    if not isinstance(actor, SystemActor):
        _require_market(actor, market.region)
    return _open_market(actor, market, now())


@service("wishes.market:close")
def market_close(*, actor: Any, market: CharityMarket) -> CharityMarket:
    role = _require_market(actor, market.region) if not isinstance(actor, SystemActor) else "system"
    if (
        CharityMarket.objects.filter(pk=market.pk, status=CharityMarket.Status.OPEN).update(
            status=CharityMarket.Status.CLOSED, closed_at=now()
        )
        != 1
    ):
        raise InvalidTransition(_("只有进行中的公益集市可以结束。"))
    market.status = CharityMarket.Status.CLOSED
    audit_record(actor=actor, action="wishes.market:close", target=market, role=role)
    return market


@service("wishes.organisation:link_account")
def organisation_account_link(*, actor: Any, user: User, organisation: Organisation) -> OrganisationAccount:
    """Let ``user`` claim wishes on behalf of ``organisation``."""
    role = permissions.require_at(
        actor, people_policies.GRANT_ROLES.name, organisation.region.path, _("您不能为该组织设置账号。")
    )
    if OrganisationAccount.objects.filter(user=user).exists():
        raise Conflict(_("该账号已代表一个组织。"))
    account = OrganisationAccount.objects.create(user=user, organisation=organisation, created_at=now())
    audit_record(
        actor=actor,
        action="wishes.organisation:link_account",
        target=organisation,
        role=role,
        changes={"user": user.username},
    )
    return account
