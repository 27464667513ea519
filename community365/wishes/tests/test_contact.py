"""Contact after a claim (docs/wishes.md): the claimant sees where the wisher lives (building,
stairwell) and may ask the social workers for contact; the wisher or a social worker shares the
wisher's phone with that claimant only, and only while the claim is active. The wisher sees who
is coming. Nobody else sees any of it, on the page or in the API."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent
from community365.core.actors import SystemActor
from community365.core.errors import InvalidTransition, NotAllowed
from community365.notifications.models import Notification
from community365.people.models import Person
from community365.wishes import services

pytestmark = pytest.mark.django_db

PHONE = "13900001111"


@pytest.fixture
def claimed(make_wish, persona, django_capture_on_commit_callbacks):
    """A wish of resident_huachuan (phone on record), claimed by member_demo."""
    resident = persona("resident_huachuan")
    Person.objects.filter(pk=resident.person.pk).update(phone=PHONE)
    wish = make_wish(wisher=Person.objects.get(pk=resident.person.pk), title="想要一个保温杯")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.wish_claim(actor=persona("member_demo"), wish=wish).won
    wish.refresh_from_db()
    return wish


def page(client_for, username, wish) -> str:
    response = client_for(username).get(f"/wishes/{wish.pk}/")
    assert response.status_code == 200, username
    return response.content.decode()


def share(persona, wish, username="worker_huachuan"):
    return services.wish_share_phone(actor=persona(username), wish=wish)


def test_the_claimant_sees_the_building_but_not_the_phone_until_it_is_shared(client_for, persona, claimed):
    html = page(client_for, "member_demo", claimed)
    assert 'id="contact-box"' in html and "划船社区" in html
    assert PHONE not in html
    assert "请社工帮忙联系" in html
    share(persona, claimed)
    assert PHONE in page(client_for, "member_demo", claimed)


def test_the_wisher_sees_who_is_coming_and_the_unit(client_for, persona, claimed):
    html = page(client_for, "resident_huachuan", claimed)
    member = persona("member_demo")
    assert member.display_name in html
    assert "党员" in html
    assert "把我的电话告诉认领人" in html


def test_a_contact_request_reaches_the_community_social_worker(
    persona, claimed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.wish_request_contact(actor=persona("member_demo"), wish=claimed)
    worker = persona("worker_huachuan")
    note = Notification.objects.filter(recipient=worker, kind="wishes.contact_requested").get()
    assert note.url.endswith(f"/wishes/{claimed.pk}/")
    assert not Notification.objects.filter(
        recipient=persona("worker_huangli"), kind="wishes.contact_requested"
    ).exists()


@pytest.mark.parametrize(
    "outsider", ["member_001", "worker_huangli", "resident_001", "volunteer_demo", "leader_demo"]
)
def test_nobody_else_sees_the_phone_or_the_contact_box(client_for, api_for, persona, claimed, outsider):
    share(persona, claimed)
    response = client_for(outsider).get(f"/wishes/{claimed.pk}/")
    if response.status_code == 200:
        html = response.content.decode()
        assert PHONE not in html and 'id="contact-box"' not in html
    api = api_for(outsider).get(f"/api/v1/wishes/{claimed.pk}")
    if api.status_code == 200:
        assert api.json()["contact"] is None
        assert PHONE not in api.content.decode()


def test_the_api_gives_the_phone_to_the_claimant_only_once_shared(api_for, persona, claimed):
    before = api_for("member_demo").get(f"/api/v1/wishes/{claimed.pk}").json()["contact"]
    assert before["side"] == "claimant" and before["wisher_phone"] == "" and before["place"]
    response = api_for("resident_huachuan").post(f"/api/v1/wishes/{claimed.pk}/share-phone")
    assert response.status_code == 200
    assert response.json()["contact"]["side"] == "wisher"
    after = api_for("member_demo").get(f"/api/v1/wishes/{claimed.pk}").json()["contact"]
    assert after["wisher_phone"] == PHONE


def test_sharing_the_phone_is_audited_with_the_acting_role(persona, claimed):
    share(persona, claimed)
    row = AuditEvent.objects.filter(action="wishes.wish:share_phone", object_id=str(claimed.pk)).get()
    assert row.acting_role == "social_worker" and row.result == "ok"


@pytest.mark.parametrize(
    "end",
    [
        lambda wish, persona: services.wish_release(
            actor=persona("member_demo"), wish=wish, reason="临时出差"
        ),
        lambda wish, persona: services.wish_fulfil(actor=persona("member_demo"), wish=wish, note="已送到家"),
    ],
    ids=["release", "fulfil"],
)
def test_the_phone_is_hidden_again_when_the_claim_ends(client_for, api_for, persona, claimed, end):
    share(persona, claimed)
    end(claimed, persona)
    assert PHONE not in page(client_for, "member_demo", claimed)
    data = api_for("member_demo").get(f"/api/v1/wishes/{claimed.pk}")
    assert data.json()["contact"] is None and PHONE not in data.content.decode()


def test_the_phone_is_hidden_again_after_a_lapse(client_for, persona, claimed, settings):
    share(persona, claimed)
    settings.WISH_CONTACT_DAYS = 0
    services.wishes_sweep(actor=SystemActor("tests"))
    claimed.refresh_from_db()
    assert claimed.status == "published"
    assert PHONE not in page(client_for, "member_demo", claimed)


def test_only_the_claimant_may_request_contact(persona, claimed):
    with pytest.raises(NotAllowed):
        services.wish_request_contact(actor=persona("member_001"), wish=claimed)


@pytest.mark.parametrize("username", ["member_001", "worker_huangli", "member_demo", "resident_001"])
def test_only_the_wisher_side_may_share_the_phone(persona, claimed, username):
    with pytest.raises(NotAllowed):
        share(persona, claimed, username)


def test_no_phone_can_be_shared_without_a_claim(persona, make_wish):
    wish = make_wish()
    with pytest.raises(InvalidTransition):
        services.wish_share_phone(actor=persona("worker_huachuan"), wish=wish)
