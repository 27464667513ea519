"""Stored words are codes: the history and the messages of a wish read in the reader's language,
and rows written before codes are converted by the data migration."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.test import override_settings
from django.utils import translation

from community365.core.phrases import is_registered
from community365.notifications.models import Notification
from community365.wishes import services
from community365.wishes.models import WishEvent

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture
def story(make_wish, persona, django_capture_on_commit_callbacks):
    """A wish through review (default reason), claim, delivery and confirmation."""
    with django_capture_on_commit_callbacks(execute=True):
        wish = make_wish(wisher=persona("resident_huachuan").person, title="想要一个保温杯")
        member = persona("member_demo")
        services.wish_claim(actor=member, wish=wish)
        services.wish_mark_contacted(actor=member, wish=wish)
        services.wish_fulfil(actor=member, wish=wish, note="已送到")
        services.wish_confirm(actor=persona("resident_huachuan"), wish=wish, rating=5)
    return wish


def test_every_event_is_a_registered_code(story):
    events = list(WishEvent.objects.filter(wish=story))
    assert events and all(is_registered(e.code) for e in events)
    approve = next(e for e in events if e.action == "approve")
    assert approve.params["note"]["phrase"] == "wishes.note.default_approval"


def test_every_wishes_notification_is_a_registered_code(story):
    notes = Notification.objects.filter(url=f"/wishes/{story.pk}/")
    assert notes.exists()
    assert all(is_registered(n.kind) and n.title == "" for n in notes)


def test_the_history_reads_in_english_apart_from_what_people_wrote(client_for, story):
    from django.conf import settings

    client = client_for("resident_huachuan")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/wishes/{story.pk}/").content.decode()
    history = html.split('<ol class="history">')[1].split("</ol>")[0]
    for written in [story.title, "已送到"]:
        history = history.replace(written, "")
    assert not CJK.search(history), history
    with translation.override("en"):
        labels = [e.label for e in story.events.all()]
    assert "submit" not in labels and "report delivery" not in labels


def test_the_inbox_reads_in_english(persona, story):
    notes = Notification.objects.filter(url=f"/wishes/{story.pk}/", recipient=persona("resident_huachuan"))
    with translation.override("en"):
        for note in notes:
            text = note.title_text.replace(story.title, "") + note.body_text.replace("已送到", "")
            text = text.replace(persona("member_demo").display_name, "").replace("划船社区", "")
            assert not CJK.search(text), text


@override_settings(WISH_CONTACT_DAYS=3)
def test_messages_say_the_contact_period_from_the_setting(client_for, persona, make_wish):
    wish = make_wish()
    response = client_for("member_demo").post(f"/wishes/{wish.pk}/claim", follow=True)
    text = response.content.decode()
    assert "3 天内" in text and "7 天" not in text
    assert "3 天内" in client_for("member_demo").get("/wishes/claims/").content.decode()


def test_the_data_migration_converts_old_sentences(make_wish, persona):
    wish = make_wish(status="approved")
    old = [
        WishEvent.objects.create(
            wish=wish, action="approve", to_status="approved", note="符合微心愿条件，审核通过。"
        ),
        WishEvent.objects.create(
            wish=wish, action="lapse", to_status="published", note="超过 7 天未联系心愿人"
        ),
        WishEvent.objects.create(wish=wish, action="return", to_status="returned", note="请写清楚型号"),
    ]
    user = persona("resident_huachuan")
    legacy = Notification.objects.create(
        recipient=user,
        kind="wish_approved",
        title="您的心愿已审核通过",
        body="符合微心愿条件，审核通过。",
        url=f"/wishes/{wish.pk}/",
    )
    odd = Notification.objects.create(recipient=user, kind="wish_claimed", title="旧句子", url="/elsewhere/")
    migration = importlib.import_module("community365.wishes.migrations.0003_wishes_codes_data")
    migration.convert_events(apps, None)
    migration.convert_notifications(apps, None)
    approve, lapse, returned = (WishEvent.objects.get(pk=e.pk) for e in old)
    assert approve.code == "wishes.event.approve"
    assert approve.params["note"] == {"phrase": "wishes.note.default_approval", "params": {}}
    assert lapse.params["note"]["params"] == {"days": 7}
    assert returned.params["note"] == "请写清楚型号"
    legacy.refresh_from_db()
    odd.refresh_from_db()
    assert legacy.kind == "wishes.approved" and legacy.params["title"] == wish.title
    with translation.override("en"):
        assert not CJK.search(legacy.title_text.replace(wish.title, "") + legacy.body_text)
    assert odd.kind == "wish_claimed" and odd.params["text"] == "旧句子"
