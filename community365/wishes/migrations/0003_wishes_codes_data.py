"""Stored history and messages of wishes become codes with parameters (issue 8, "every word in
the reader's language"). Existing rows are converted where their text can be read: notes the
system wrote become phrase parameters, notifications of the wishes kinds get their new code and
the wish's title; anything else keeps its old sentence as ``params["text"]``.

The sentences below are the exact Chinese the services wrote before codes; they are frozen here
on purpose (a migration must not change meaning when the app's strings change)."""

from __future__ import annotations

import datetime
import re

from django.db import migrations
from django.utils import timezone

DEFAULT_APPROVAL = "符合微心愿条件，审核通过。"


def _note(code, **params):
    return {"phrase": code, "params": params}


def _system_note(action, note, market_name):
    """The phrase parameter for a note the system wrote, or None for a person's words."""
    if not note:
        return None
    if note == DEFAULT_APPROVAL and action == "approve":
        return _note("wishes.note.default_approval")
    if note == "社工代录" and action == "create":
        return _note("wishes.note.entered_by_worker")
    if note == "已过希望实现日期，无人认领":
        return _note("wishes.note.expired")
    match = re.fullmatch(r"超过 (\d+) 天未联系心愿人", note)
    if match:
        return _note("wishes.note.lapsed", days=int(match.group(1)))
    match = re.fullmatch(r"定于 (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 发布", note)
    if match and action == "schedule":
        moment = timezone.make_aware(datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M"))
        return _note("wishes.note.scheduled", at={"datetime": moment.isoformat()})
    if action == "schedule" and note.startswith("加入"):
        return _note("wishes.note.market_added", market=note[2:])
    if action == "publish" and market_name and note == market_name:
        return _note("wishes.note.market_opened", market=note)
    return None


def convert_events(apps, schema_editor):
    WishEvent = apps.get_model("wishes", "WishEvent")
    Wish = apps.get_model("wishes", "Wish")
    Claim = apps.get_model("wishes", "Claim")
    markets = dict(
        Wish.objects.filter(market__isnull=False).values_list("pk", "market__name")
    )
    batch = []
    for event in WishEvent.objects.filter(code="").iterator(chunk_size=2000):
        event.code = f"wishes.event.{event.action}"
        params = dict(event.params or {})
        if event.action == "contacted":
            event.note = ""
        elif event.note:
            system = _system_note(event.action, event.note, markets.get(event.wish_id))
            if system is not None:
                params["note"] = system
                event.note = ""
            else:
                params["note"] = event.note
        event.params = params
        batch.append(event)
        if len(batch) >= 2000:
            WishEvent.objects.bulk_update(batch, ["code", "params", "note"])
            batch = []
    if batch:
        WishEvent.objects.bulk_update(batch, ["code", "params", "note"])
    # The wish's "latest reason" holds only a person's words; the history keeps the rest.
    Wish.objects.filter(status_reason=DEFAULT_APPROVAL).update(status_reason="")
    Wish.objects.filter(status_reason="已过希望实现日期，无人认领").update(status_reason="")
    Wish.objects.filter(status_reason__regex=r"^(超过 \d+ 天未联系心愿人|定于 .+ 发布|加入.+)$").update(
        status_reason=""
    )
    Claim.objects.filter(status="lapsed", end_reason__regex=r"^超过 \d+ 天未联系心愿人$").update(end_reason="")


KINDS = {
    "wish_approved": "wishes.approved",
    "wish_returned": "wishes.returned",
    "wish_rejected": "wishes.rejected",
    "wish_claimed": "wishes.claimed",
    "wish_released": "wishes.released",
    "wish_delivered": "wishes.delivered",
    "wish_confirmed": "wishes.confirmed",
    "claim_lapsed": "wishes.claim_lapsed",
    "claim_warning": "wishes.claim_warning",
    "market_invite": "wishes.market_invite",
}


def convert_notifications(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Wish = apps.get_model("wishes", "Wish")
    Market = apps.get_model("wishes", "CharityMarket")
    for note in Notification.objects.filter(kind__in=list(KINDS)).iterator(chunk_size=2000):
        params = None
        wish_match = re.search(r"/wishes/(\d+)/", note.url or "")
        market_match = re.search(r"/wishes/markets/(\d+)/", note.url or "")
        if note.kind == "market_invite" and market_match:
            market = Market.objects.filter(pk=int(market_match.group(1))).first()
            if market is not None:
                params = {"market": market.name, "at": {"datetime": market.opens_at.isoformat()}}
        elif wish_match and not market_match:
            wish = Wish.objects.filter(pk=int(wish_match.group(1))).first()
            if wish is not None:
                params = {"title": wish.title}
                body = note.body or ""
                if note.kind == "wish_approved" and body == DEFAULT_APPROVAL:
                    params["note"] = _note("wishes.note.default_approval")
                elif note.kind == "claim_lapsed" and re.fullmatch(r"超过 (\d+) 天未联系心愿人", body):
                    params["note"] = _note("wishes.note.lapsed", days=int(re.findall(r"\d+", body)[0]))
                elif note.kind == "wish_claimed":
                    days = re.findall(r"(\d+) 天", body)
                    params.update(claimant="", unit="", days=int(days[0]) if days else 7)
                elif note.kind == "claim_warning":
                    deadline = re.search(r"在 (.+?) 前", body)
                    params["deadline"] = deadline.group(1) if deadline else ""
                else:
                    params["note"] = body
        if params is None:
            note.params = {**(note.params or {}), "text": note.title}
            note.save(update_fields=["params"])
        else:
            note.kind, note.params = KINDS[note.kind], params
            note.save(update_fields=["kind", "params"])


class Migration(migrations.Migration):
    dependencies = [
        ("wishes", "0002_wishes_contact_codes"),
        ("notifications", "0002_message_codes"),
    ]

    operations = [
        migrations.RunPython(convert_events, migrations.RunPython.noop),
        migrations.RunPython(convert_notifications, migrations.RunPython.noop),
    ]
