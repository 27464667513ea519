"""Edges of the pairing rules that mutation testing found untested (docs/mutation.md): who sees a
visit, the cadre's counts behind the nav entry and the to-do, and who may turn a need."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import timezone

from community365.core.errors import NotFound
from community365.pairing import policies, services
from community365.pairing.models import Pairing, VisitNeed

pytestmark = pytest.mark.django_db


def test_a_visit_is_seen_by_its_cadre_and_the_communitys_staff_only(visit, persona):
    for who in ("member_demo", "worker_huachuan", "secretary_huachuan", "admin_district"):
        assert policies.get_visible_visit(persona(who), visit.pk) == visit, who
    for who in ("worker_huangli", "resident_huachuan", "volunteer_demo"):
        with pytest.raises(NotFound):
            policies.get_visible_visit(persona(who), visit.pk)
    assert not policies.visits_visible_to(AnonymousUser()).exists()


def test_a_cadre_with_one_live_pairing_is_a_cadre_and_a_resident_is_not(persona):
    one = (
        Pairing.objects.filter(ended_on__isnull=True)
        .values("cadre_id")
        .annotate(n=Count("id"))
        .filter(n=1)
        .order_by("cadre_id")
        .values_list("cadre_id", flat=True)
        .first()
    )
    assert one is not None, "the demo has a cadre with exactly one live pairing"
    from community365.people.models import User

    assert policies.is_cadre(User.objects.get(pk=one))
    resident = persona("resident_huachuan")
    assert not policies.is_cadre(resident)
    assert policies.cadre_counts(resident) == {"live": 0, "due": 0}
    assert policies.cadre_counts(AnonymousUser()) == {"live": 0, "due": 0}


def test_a_cadre_whose_roles_were_revoked_counts_no_pairing(persona, revoke_roles):
    member = persona("member_demo")
    assert policies.cadre_counts(member)["live"] > 0
    assert policies.cadre_counts(revoke_roles(member)) == {"live": 0, "due": 0}


def test_a_need_is_turned_by_the_communitys_staff_and_once_only(visit, persona):
    need = VisitNeed.objects.select_related("region").get(visit=visit)
    assert policies.may_turn(persona("worker_huachuan"), need)
    assert not policies.may_turn(persona("resident_huachuan"), need)
    assert not policies.may_turn(persona("worker_huangli"), need)
    need.turned_to = "wish"
    assert not policies.may_turn(persona("worker_huachuan"), need)


def test_the_communitys_staff_manage_pairings_and_a_district_viewer_does_not(persona):
    assert policies.may_manage_somewhere(persona("worker_huachuan"))
    assert policies.may_manage_somewhere(persona("secretary_huachuan"))
    assert not policies.may_manage_somewhere(persona("admin_district"))
    assert not policies.may_manage_somewhere(persona("member_demo"))


def test_no_visit_is_logged_on_an_ended_pairing(pairing, persona):
    assert policies.may_log_visit(pairing.cadre, pairing)
    services.pairing_end(actor=persona("worker_huachuan"), pairing=pairing, reason="moved")
    pairing.refresh_from_db()
    assert not policies.may_log_visit(pairing.cadre, pairing)
    assert not policies.may_log_visit(persona("worker_huachuan"), pairing)


def test_a_social_worker_paired_in_their_own_community_sees_their_pairing(persona, unpaired):
    # the pairing is both under the worker's place and the worker's own: it stays in sight
    worker = persona("worker_huachuan")
    pairing = services.pairing_create(actor=persona("secretary_huachuan"), household=unpaired, cadre=worker)
    assert policies.pairings_visible_to(worker).filter(pk=pairing.pk).exists()
    visit = services.visit_log(
        actor=worker,
        pairing=pairing,
        visited_on=timezone.localdate(),
        found="一切安好。",
        needs=["想要一台收音机"],
    )
    assert policies.visits_visible_to(worker).filter(pk=visit.pk).exists()
    assert policies.needs_visible_to(worker).filter(visit=visit).exists()


def test_nobody_else_logs_a_visit_whatever_their_id(pairing, persona, new_account):
    newcomer = new_account("later_user")
    assert newcomer.pk > pairing.cadre_id
    assert not policies.may_log_visit(newcomer, pairing)
    assert not policies.may_log_visit(persona("worker_huangli"), pairing)


def test_the_cadres_counts_are_read_once_per_user_object(persona, django_assert_num_queries):
    member = persona("member_demo")
    first = policies.cadre_counts(member)
    with django_assert_num_queries(0):
        assert policies.cadre_counts(member) == first
        assert policies.is_cadre(member)
