"""Issue 9 for wishes: lost races audited, disguised phone numbers refused, one input check for
create and edit, correcting a returned wish as one action, audit roles from the acting role,
actions computed per user."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from community365.audit.models import AuditEvent
from community365.core.errors import InvalidInput, InvalidTransition
from community365.people.identity import looks_like_phone, normalise_for_matching
from community365.wishes import policies, services
from community365.wishes.models import ServiceCategory, Wish

pytestmark = pytest.mark.django_db


# --- item 3: a lost race is a refusal in the audit trail ---------------------------------------


def test_a_lost_claim_race_leaves_one_refused_audit_row_after_the_transaction(
    persona, make_wish, django_capture_on_commit_callbacks
):
    wish = make_wish()
    services.wish_claim(actor=persona("member_demo"), wish=wish)
    loser = persona("volunteer_demo")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        outcome = services.wish_claim(actor=loser, wish=wish)
        # nothing is written inside the claim's transaction
        assert not AuditEvent.objects.filter(actor=loser, action="wishes.wish:claim").exists()
    assert not outcome.won
    for callback in pending:
        callback()
    row = AuditEvent.objects.get(actor=loser, action="wishes.wish:claim")
    assert (row.result, row.object_id, row.changes["code"]) == ("refused", str(wish.pk), "already_claimed")
    assert row.acting_role == "volunteer"


def test_the_api_409_is_audited_too(api_for, persona, make_wish, django_capture_on_commit_callbacks):
    wish = make_wish()
    api_for("member_demo").post(f"/api/v1/wishes/{wish.pk}/claim")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for("volunteer_demo").post(f"/api/v1/wishes/{wish.pk}/claim")
    assert response.status_code == 409
    assert AuditEvent.objects.filter(
        actor=persona("volunteer_demo"), action="wishes.wish:claim", result="refused"
    ).exists()


# --- item 6: the phone filter sees through disguises --------------------------------------------

DISGUISES = [
    "138\u200b1234\u200b5678",  # zero-width spaces
    "138\u20601234\ufeff5678",  # word joiner, BOM
    "１３８１２３４５６７８",  # full-width digits
    "一三八一二三四五六七八",  # Chinese numerals
    "壹叁捌壹贰叁肆伍陆柒捌",  # financial numerals
    "幺三八",  # not a phone: too short (guards against over-matching below)
    "138 1234 5678",
    "138-1234-5678",
    "138.1234.5678",
    "电话：一三八 一二三四 五六七八",
]


@pytest.mark.parametrize("text", [d for d in DISGUISES if d != "幺三八"])
def test_a_disguised_mobile_number_is_refused_in_a_public_text(persona, text):
    assert looks_like_phone(text)
    with pytest.raises(InvalidInput, match="手机号码"):
        services.clean_wish_text(
            title="想要一台收音机", reason=f"请打{text}", value_yuan=0, category="convenience"
        )


@pytest.mark.parametrize(
    "text", ["想要一台收音机", "买 3 斤米 2 袋面", "2026-03-01 之前", "一二三四五", "幺三八", "门牌 12-301"]
)
def test_ordinary_text_with_numbers_passes(text):
    assert not looks_like_phone(text)


def test_normalising_maps_every_disguise_to_plain_digits():
    assert normalise_for_matching("１３８\u200b一二三四-伍陆柒捌") == "13812345678"


# --- item 13: one input check for create and edit -----------------------------------------------


@pytest.mark.parametrize("value", [999999, -1, 5001])
def test_edit_refuses_a_value_outside_0_to_5000_like_create(persona, make_wish, value):
    wish = make_wish(status="returned")
    with pytest.raises(InvalidInput):
        services.wish_edit(
            actor=persona("worker_huachuan"),
            wish=wish,
            title=wish.title,
            value_yuan=value,
            category=wish.category,
        )
    with pytest.raises(InvalidInput):
        services.wish_create(
            actor=persona("worker_huachuan"),
            wisher=wish.wisher,
            title="想要一副老花镜",
            value_yuan=value,
            category=ServiceCategory.TAILORED_CARE,
        )
    assert Wish.objects.get(pk=wish.pk).value_yuan == wish.value_yuan


# --- item 15: one service for "correct and resubmit", audit roles, actions per user ---------------


def test_a_refused_resubmit_keeps_nothing_of_the_edit(persona, make_wish):
    wish = make_wish(status="returned")
    Wish.objects.filter(pk=wish.pk).update(status="rejected")  # someone else closed it meanwhile
    wish.status = "returned"  # the page was loaded before
    with pytest.raises(InvalidTransition):
        services.wish_resubmit(
            actor=persona("worker_huachuan"), wish=wish, title="改过的标题内容", category=wish.category
        )
    assert Wish.objects.get(pk=wish.pk).title != "改过的标题内容"


def test_resubmit_through_the_api_is_one_step(api_for, persona, make_wish):
    wish = make_wish(wisher=persona("resident_huachuan").person, status="returned")
    response = api_for("resident_huachuan").post(
        f"/api/v1/wishes/{wish.pk}/resubmit",
        {"title": "想要一台红灯牌收音机", "value_yuan": 120, "category": wish.category},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    refused = api_for("resident_huachuan").post(
        f"/api/v1/wishes/{wish.pk}/resubmit",
        {"title": "想要一台收音机", "value_yuan": 5001, "category": wish.category},
        content_type="application/json",
    )
    assert refused.status_code == 422


def _role(action, wish):
    return (
        AuditEvent.objects.filter(action=action, object_id=str(wish.pk), result="ok").latest("id").acting_role
    )


def test_audit_roles_come_from_the_acting_role(persona, make_wish):
    resident, worker = persona("resident_huachuan"), persona("worker_huachuan")
    wish = make_wish(wisher=resident.person, status="returned")
    services.wish_submit(actor=resident, wish=wish)
    assert _role("wishes.wish:submit", wish) == "resident"
    services.wish_withdraw(actor=worker, wish=wish, reason="居民不需要了")
    assert _role("wishes.wish:withdraw", wish) == "social_worker"
    other = make_wish(status="returned")
    services.wish_submit(actor=worker, wish=other)
    assert _role("wishes.wish:submit", other) == "social_worker"
    secretary = persona("secretary_huachuan")
    services.wish_withdraw(actor=secretary, wish=other, reason="重复登记")
    assert _role("wishes.wish:withdraw", other) == "community_secretary"


def test_confirm_records_the_secretarys_role_not_a_guess(persona, make_wish):
    wish = make_wish()
    member = persona("member_demo")
    services.wish_claim(actor=member, wish=wish)
    services.wish_fulfil(actor=member, wish=wish, note="送到了")
    services.wish_confirm(actor=persona("secretary_huachuan"), wish=wish, rating=5)
    assert _role("wishes.wish:confirm", wish) == "community_secretary"


def test_actions_are_what_this_user_may_do(persona, make_wish, api_for):
    wish = make_wish(status="submitted")
    assert "approve" in policies.actions_for(persona("worker_huachuan"), wish)
    assert policies.actions_for(persona("member_demo"), wish) == []
    published = make_wish()
    assert policies.actions_for(persona("member_demo"), published) == ["claim"]
    assert "claim" not in policies.actions_for(persona("resident_001"), published)
    assert "withdraw" in policies.actions_for(persona("worker_huachuan"), published)
    rows = api_for("member_demo").get("/api/v1/wishes", {"status": "published", "limit": 50}).json()["items"]
    assert rows and all(set(r["actions"]) <= {"claim"} for r in rows)


def test_the_api_does_not_import_the_pages():
    tree = ast.parse((Path(policies.__file__).parent / "api.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "views" not in imported and not any(m.endswith(".views") for m in imported)
