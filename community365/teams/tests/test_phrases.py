"""Teams' notifications and stored system words are codes with parameters, read in the reader's
language; old check-out notes are migrated to a code."""

from __future__ import annotations

import ast
import datetime
import importlib
import re
from pathlib import Path

import pytest
from django.utils import timezone, translation

from community365.core import phrases
from community365.notifications.models import Notification
from community365.teams import services
from community365.teams.models import RecordSource, ServiceRecord, Team

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
SERVICES = Path(__file__).resolve().parents[1] / "services"


def test_every_notify_in_teams_passes_a_registered_code_not_a_sentence():
    calls = 0
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "notify":
                calls += 1
                keywords = {k.arg for k in node.keywords}
                assert "code" in keywords, f"{path.name}:{node.lineno} notify without a code"
                assert not keywords & {"kind", "title", "body"}, (
                    f"{path.name}:{node.lineno} stores a sentence"
                )
    assert calls >= 9
    from community365.teams import phrases as teams_phrases

    for name in dir(teams_phrases):
        value = getattr(teams_phrases, name)
        if name.isupper() and isinstance(value, str):
            assert phrases.is_registered(value)


def _english(note: Notification, *, allowed: str = "") -> str:
    with translation.override("en"):
        text = f"{note.title_text} {note.body_text}"
    for name in allowed.split():
        text = text.replace(name, "")
    return text


def test_swap_notifications_read_in_english_with_the_date_and_slot_of_the_reader(
    persona, region, system, django_capture_on_commit_callbacks
):
    # given a worker asking a colleague to take an evening shift
    from community365.teams import selectors

    huachuan = region("划船社区")
    workers = list(selectors.community_workers(huachuan))
    asker, taker = workers[0], workers[1]
    day = timezone.localdate() + datetime.timedelta(days=120)  # beyond the demo's rota
    shift = services.shift_add(
        actor=system, roster=huachuan.duty_roster, date=day, slot="evening", kind="desk", worker=asker
    )
    before = Notification.objects.count()

    # when the swap is asked and approved
    with django_capture_on_commit_callbacks(execute=True):
        swap = services.swap_request(actor=asker, shift=shift, taker=taker)
        services.swap_decide(actor=persona("secretary_huachuan"), swap=swap, approve=True)

    # then every notification is a registered code, and in English it has no Chinese word
    notes = list(Notification.objects.order_by("id")[before:])
    assert notes and all(phrases.is_registered(n.kind) for n in notes)
    names = " ".join({asker.display_name, taker.display_name, asker.username, taker.username})
    for note in notes:
        text = _english(note, allowed=names)
        assert not CJK.search(text), text
        assert "evening" in text.lower()
    with translation.override("zh-hans"):
        assert "晚上" in notes[-1].title_text


def test_activity_cancellation_notifies_with_a_code(
    make_activity, persona, system, django_capture_on_commit_callbacks
):
    red = Team.objects.get(region__name="划船社区", colour="red")
    activity = make_activity(red, title="Street sweep")
    services.signup_create(actor=persona("volunteer_005"), activity=activity)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_cancel(actor=system, activity=activity)
    note = Notification.objects.filter(recipient=persona("volunteer_005")).latest("id")
    assert note.kind == "teams.activity_cancelled" and note.params == {"title": "Street sweep"}
    assert not CJK.search(_english(note))


def test_checkout_records_carry_a_source_code_not_a_sentence(make_activity, persona):
    red = Team.objects.get(region__name="划船社区", colour="red")
    activity = make_activity(red, start=timezone.now() - datetime.timedelta(minutes=10), hours=3)
    volunteer = persona("volunteer_006")
    services.signup_create(actor=volunteer, activity=activity)
    services.signup_self_check_in(actor=volunteer, activity=activity, code=activity.checkin_code)
    services.signup_self_check_out(actor=volunteer, activity=activity, code=activity.checkin_code)
    record = ServiceRecord.objects.get(activity=activity, volunteer=volunteer)
    assert record.source == RecordSource.CHECKOUT and record.note == ""
    with translation.override("en"):
        assert not CJK.search(str(record.get_source_display()))


def test_migration_turns_the_old_checkout_sentence_into_the_code():
    from django.apps import apps

    migration = importlib.import_module("community365.teams.migrations.0002_teams_record_source")
    record = ServiceRecord.objects.filter(status="verified").first()
    ServiceRecord.objects.filter(pk=record.pk).update(note=migration.OLD_CHECKOUT_NOTE, source="entered")
    untouched = ServiceRecord.objects.exclude(pk=record.pk).filter(note="").first()

    migration.note_to_source(apps, None)

    record.refresh_from_db()
    assert record.source == "checkout" and record.note == ""
    untouched.refresh_from_db()
    assert untouched.source != "checkout"


def test_slot_words_are_registered_for_every_slot():
    from community365.teams.models import Slot

    with translation.override("en"):
        for value in Slot.values:
            assert not CJK.search(phrases.render(f"teams.slot.{value}"))
