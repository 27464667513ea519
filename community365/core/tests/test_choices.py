"""Choice labels read through ``core.choices.display``: the same words as Django's
``get_FOO_display()`` in every language, for a fraction of the translation calls."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from community365.core.choices import display
from community365.wishes import selectors
from community365.wishes.models import ServiceCategory, Wish, WishStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_gives_django_s_label_in_the_active_language(language):
    wish = Wish()
    with translation.override(language):
        for status in WishStatus.values:
            wish.status = status
            assert display(wish, "status") == wish.get_status_display()
        for category in ServiceCategory.values:
            wish.category = category
            assert display(wish, "category") == wish.get_category_display()
        assert str(display(wish, "category")) != ""


def test_a_value_outside_the_choices_is_given_back_as_it_is():
    wish = Wish(status="no-such-state")
    assert display(wish, "status") == "no-such-state" == wish.get_status_display()


def test_the_board_rows_translate_only_the_labels_they_show(monkeypatch, persona):
    """Django's display rebuilt the choices and translated every label of both fields for each
    row (≈ 20 translations a row); the rows now translate what they show."""
    calls = {"n": 0}
    real = trans_real.gettext

    def counting(message):
        calls["n"] += 1
        return real(message)

    # Every gettext, lazy labels included, goes through ``translation._trans``, which keeps the
    # function it first looked up: patching trans_real alone would count nothing.

    user = persona("member_demo")
    wishes = list(selectors.wish_search(user)[:20])
    assert len(wishes) == 20
    monkeypatch.setattr(translation._trans, "gettext", counting)
    rows = selectors.wish_rows(user, wishes)
    assert {r.status_label for r in rows} <= {str(label) for label in WishStatus.labels}
    assert len(wishes) <= calls["n"] <= 3 * len(wishes), calls["n"]  # counted, and few
