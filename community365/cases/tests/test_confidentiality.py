"""Mediation is confidential: parties, sessions and agreements are read only by the case's
mediators, the community's secretary and the district's justice officer; everybody else gets a
404 for the case and sees counts at most. Every read of the parties is in the audit trail."""

from __future__ import annotations

import pytest

from community365.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("demo_world")

READERS = {"mediator_demo", "secretary_huachuan", "justice_demo"}
PERSONAS = [
    "mediator_demo",
    "secretary_huachuan",
    "justice_demo",
    "admin_district",
    "staff_baizhang",
    "worker_huachuan",
    "worker_huangli",
    "leader_demo",
    "member_demo",
    "volunteer_demo",
    "resident_huachuan",
    "resident_001",
    "lawyer_demo",
    "liaison_housing",
    "emergency_demo",
    "firstsec_demo",
    "unit_secretary_demo",
]


@pytest.mark.parametrize("username", PERSONAS)
def test_persona_by_case_matrix(username, new_case, client_for, api_for, persona, make_user, region):
    """Each persona against three cases: mediator_demo's, another mediator's in 划船社区 (same
    community: the secretary reads it, mediator_demo does not), and one still in the queue."""
    other = make_user("mediator_other", "mediator", region("划船社区"))
    own = new_case()
    foreign = new_case(mediator=other)
    queued = new_case(status="registered")
    expected = {
        own.pk: username in READERS,
        foreign.pk: username in {"secretary_huachuan", "justice_demo"},
        queued.pk: username in {"secretary_huachuan", "justice_demo"},
    }
    page, api = client_for(username), api_for(username)
    for case_id, readable in expected.items():
        status = 200 if readable else 404
        assert page.get(f"/cases/mediations/{case_id}/").status_code == status, (username, case_id)
        assert api.get(f"/api/v1/cases/mediations/{case_id}").status_code == status, (username, case_id)
    listed = {row["id"] for row in api.get("/api/v1/cases/mediations?limit=200").json()["items"]}
    assert {pk for pk, ok in expected.items() if ok} <= listed
    assert not {pk for pk, ok in expected.items() if not ok} & listed


def test_contract_mediator_lists_own_cases_with_parties(api_for, demo_world):
    answer = api_for("mediator_demo").get("/api/v1/cases/mediations")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items, "mediator_demo has cases in the demo"
    for item in items:
        assert {"id", "kind", "status", "parties"} <= set(item)
        assert item["parties"] and all(p["name"] and "*" not in p["name"] for p in item["parties"])


@pytest.mark.parametrize("username", ["worker_huangli", "member_demo", "resident_001"])
def test_contract_others_get_404_for_mediator_demo_cases(username, api_for):
    ids = [row["id"] for row in api_for("mediator_demo").get("/api/v1/cases/mediations").json()["items"]]
    caller = api_for(username)
    for case_id in ids[:5]:
        assert caller.get(f"/api/v1/cases/mediations/{case_id}").status_code == 404


def test_justice_officer_reads_names_masked_secretary_in_full(new_case, api_for):
    case = new_case()
    justice = api_for("justice_demo").get(f"/api/v1/cases/mediations/{case.pk}").json()
    secretary = api_for("secretary_huachuan").get(f"/api/v1/cases/mediations/{case.pk}").json()
    outsider = next(p for p in secretary["parties"] if not p["on_record"])
    assert outsider["name"] == "张大伯" and outsider["phone"] == "13800001111"
    masked = next(p for p in justice["parties"] if not p["on_record"])
    assert masked["name"] == "张*" and "1111" in masked["phone"] and masked["phone"] != "13800001111"


def test_every_read_of_parties_is_audited(new_case, client_for, api_for, persona):
    case = new_case()
    before = AuditEvent.objects.filter(action="cases.mediation:read_parties", object_id=str(case.pk)).count()
    client_for("secretary_huachuan").get(f"/cases/mediations/{case.pk}/")
    api_for("justice_demo").get(f"/api/v1/cases/mediations/{case.pk}")
    api_for("mediator_demo").get("/api/v1/cases/mediations")
    reads = AuditEvent.objects.filter(action="cases.mediation:read_parties", object_id=str(case.pk))
    assert reads.count() == before + 3
    assert {e.actor.username for e in reads.order_by("-id")[:3]} == {
        "secretary_huachuan",
        "justice_demo",
        "mediator_demo",
    }


def test_refused_reader_leaves_no_party_read(new_case, api_for):
    case = new_case()
    api_for("worker_huangli").get(f"/api/v1/cases/mediations/{case.pk}")
    assert not AuditEvent.objects.filter(
        action="cases.mediation:read_parties", object_id=str(case.pk), actor__username="worker_huangli"
    ).exists()


def test_figures_roles_see_counts_not_cases(new_case, client_for):
    new_case()
    page = client_for("staff_baizhang").get("/cases/mediations/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "张大伯" not in body and "张*" not in body
    assert "data-row" not in body


def test_id_number_kept_as_hash_and_last_four(new_case):
    from community365.cases.models import MediationParty

    party = MediationParty.objects.get(case=new_case(), person__isnull=True)
    assert party.id_last4 == "002X" and len(party.id_hash) == 64
    assert "11010519491231002X" not in str(MediationParty.objects.filter(pk=party.pk).values().get())


def test_queue_shows_no_parties(new_case, client_for):
    case = new_case(status="registered")
    body = client_for("mediator_demo").get("/cases/mediations/queue/").content.decode()
    assert case.number in body and "张大伯" not in body
