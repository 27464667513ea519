"""Stored codes become sentences in the reader's language, at display time."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from community365.core import phrases
from community365.notifications.models import Notification
from community365.notifications.services import notify

# A phrase whose English is in the catalogue (the inbox heading's word is reused as a test text).
TEST_CODE = phrases.register("tests.inbox_heading", _("我的消息"))


def test_a_code_renders_in_the_active_language():
    with translation.override("zh-hans"):
        assert phrases.render(TEST_CODE) == "我的消息"
    with translation.override("en"):
        assert phrases.render(TEST_CODE) != "我的消息"
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in phrases.render(TEST_CODE))


def test_parameters_fill_the_placeholders_and_missing_ones_render_empty():
    code = phrases.register("tests.greeting", "hello %(name)s%(missing)s")
    assert phrases.render(code, {"name": "王*"}) == "hello 王*"


def test_dates_and_nested_phrases_are_rendered_for_the_reader():
    code = phrases.register("tests.due", "%(what)s due %(day)s")
    params = {"what": phrases.phrase_param(TEST_CODE), "day": phrases.date_param(datetime.date(2026, 3, 1))}
    with translation.override("zh-hans"):
        assert phrases.render(code, params).startswith("我的消息 due 2026")


def test_an_unknown_code_falls_back_to_the_legacy_sentence_or_the_code():
    assert phrases.render("tests.nowhere", {"text": "旧的句子"}) == "旧的句子"
    assert phrases.render("tests.nowhere") == "tests.nowhere"


def test_registering_a_code_twice_with_other_text_is_refused():
    phrases.register("tests.once", "a")
    with pytest.raises(ValueError):
        phrases.register("tests.once", "b")


@pytest.mark.django_db
def test_a_notification_is_stored_as_a_code_and_read_in_the_readers_language(
    persona, django_capture_on_commit_callbacks
):
    resident = persona("resident_huachuan")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient_id=resident.pk, code=TEST_CODE, params={})
    note = Notification.objects.get(recipient=resident, kind=TEST_CODE)
    assert note.title == ""
    with translation.override("en"):
        assert note.title_text == phrases.render(TEST_CODE)
        assert note.title_text != "我的消息"


def test_an_unregistered_notification_code_is_refused():
    with pytest.raises(ValueError):
        notify(recipient_id=1, code="tests.not_registered")
