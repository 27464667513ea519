"""Confirming with the star widget, and the "没收到 / 有问题" path that reaches the social worker."""

from __future__ import annotations

import re

import pytest

from community365.core.errors import InvalidTransition, NotAllowed
from community365.notifications.models import Notification
from community365.wishes import services

pytestmark = pytest.mark.django_db


def test_the_confirm_form_offers_five_tappable_choices_with_words_not_a_drop_down(client_for, delivered):
    html = client_for("resident_huachuan").get(f"/wishes/{delivered.pk}/").content.decode()
    radios = re.findall(r'<input type="radio" name="rating" value="(\d)"', html)
    assert radios == ["5", "4", "3", "2", "1"]
    assert '<select name="rating"' not in html
    assert "很满意" in html and "很不满意" in html
    assert "没收到 / 有问题，联系社工" in html


def test_the_rating_widget_is_required_when_asked(rf):
    from django.template.loader import render_to_string

    required = render_to_string("core/rating_field.html", {"name": "score", "required": True})
    optional = render_to_string("core/rating_field.html", {"name": "score", "required": False})
    assert 'name="score" value="5" required' in required
    assert " required" not in optional


def test_confirming_with_a_chosen_star_records_the_rating(client_for, delivered):
    client_for("resident_huachuan").post(f"/wishes/{delivered.pk}/confirm", {"rating": "4", "thanks": "谢谢"})
    delivered.refresh_from_db()
    assert (delivered.status, delivered.rating) == ("confirmed", 4)


def test_a_problem_report_reaches_the_social_worker_and_shows_on_the_wish(
    client_for, persona, delivered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("resident_huachuan").post(
            f"/wishes/{delivered.pk}/report_problem", {"note": "雨伞是坏的"}
        )
    assert response.status_code == 302
    delivered.refresh_from_db()
    assert delivered.problem_reported_at is not None and delivered.status == "delivered"
    worker = persona("worker_huachuan")
    assert Notification.objects.filter(recipient=worker, kind="wishes.problem_reported").exists()
    worker_page = client_for("worker_huachuan").get(f"/wishes/{delivered.pk}/").content.decode()
    assert 'id="problem-notice"' in worker_page and "雨伞是坏的" in worker_page
    queue = client_for("worker_huachuan").get("/wishes/review/").content.decode()
    assert f"/wishes/{delivered.pk}/" in queue


def test_the_problem_words_stay_with_the_wisher_side(client_for, persona, delivered):
    services.wish_report_problem(actor=persona("resident_huachuan"), wish=delivered, note="雨伞是坏的")
    for outsider in ["member_demo", "member_001", "worker_huangli"]:
        response = client_for(outsider).get(f"/wishes/{delivered.pk}/")
        html = response.content.decode() if response.status_code == 200 else ""
        assert "雨伞是坏的" not in html and 'id="problem-notice"' not in html, outsider


def test_only_the_wisher_side_may_report_a_problem(persona, delivered):
    for username in ["member_demo", "resident_001", "worker_huangli"]:
        with pytest.raises(NotAllowed):
            services.wish_report_problem(actor=persona(username), wish=delivered)


def test_a_problem_is_reported_once_and_only_after_delivery(persona, delivered, make_wish):
    resident = persona("resident_huachuan")
    services.wish_report_problem(actor=resident, wish=delivered)
    with pytest.raises(NotAllowed):
        services.wish_report_problem(actor=resident, wish=delivered)
    with pytest.raises(InvalidTransition):
        services.wish_report_problem(actor=persona("worker_huachuan"), wish=make_wish())


def test_the_worker_confirms_for_the_wisher_after_following_up(persona, delivered):
    services.wish_report_problem(actor=persona("resident_huachuan"), wish=delivered)
    services.wish_confirm(actor=persona("worker_huachuan"), wish=delivered, rating=3)
    delivered.refresh_from_db()
    assert delivered.status == "confirmed"
