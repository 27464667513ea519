"""A wish returned for changes is corrected on its page and goes back to the review queue."""

import pytest

from community365.wishes.models import Wish

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(make_wish, persona):
    return make_wish(status="returned", wisher=persona("resident_huachuan").person)


def edit(client, wish, **fields):
    data = {
        "title": "想要一台收音机（红灯牌）",
        "reason": "听戏曲",
        "value_yuan": "90",
        "category": wish.category,
    }
    data.update(fields)
    return client.post(f"/wishes/{wish.pk}/resubmit", data)


def test_the_wisher_corrects_and_resubmits(client_for, returned):
    response = edit(client_for("resident_huachuan"), returned)
    assert response.status_code == 302
    returned.refresh_from_db()
    assert (returned.status, returned.title, returned.value_yuan) == (
        "submitted",
        "想要一台收音机（红灯牌）",
        90,
    )


def test_a_social_worker_corrects_it_for_the_wisher(client_for, returned):
    edit(client_for("worker_huachuan"), returned, title="想要一台新的收音机")
    returned.refresh_from_db()
    assert returned.status == "submitted"


def test_a_phone_number_in_the_text_is_refused_and_nothing_changes(client_for, returned):
    edit(client_for("resident_huachuan"), returned, reason="请打 13812345678 联系我")
    fresh = Wish.objects.get(pk=returned.pk)
    assert (fresh.status, fresh.reason) == ("returned", returned.reason)


def test_someone_else_cannot_edit_it(client_for, returned):
    edit(client_for("member_demo"), returned, title="别人改的")
    fresh = Wish.objects.get(pk=returned.pk)
    assert fresh.title == returned.title and fresh.status == "returned"


def test_the_edit_form_is_offered_only_to_the_wisher_side(client_for, returned):
    assert "保存并重新提交" in client_for("resident_huachuan").get(f"/wishes/{returned.pk}/").content.decode()
    page = client_for("worker_huangli").get(f"/wishes/{returned.pk}/")
    assert page.status_code == 404
