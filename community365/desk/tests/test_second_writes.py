"""A 12345 hotline ticket is taken in once per district. The service checks first; when two
imports both passed the check (``blind_check``), the unique constraint refuses the second as the
same Conflict, naming the same field, and an import goes on with its other rows."""

from __future__ import annotations

import pytest

from community365.core.errors import Conflict
from community365.desk.models import ServiceRequest
from community365.desk.services import request_from_hotline

pytestmark = pytest.mark.django_db


def _take(persona, item, stairwell, ticket):
    return request_from_hotline(
        actor=persona("admin_district"),
        item=item("stairwell-light"),
        place=stairwell,
        text="楼道灯不亮了",
        ticket=ticket,
    )


def test_a_ticket_taken_in_twice_is_refused_by_the_check(persona, item, stairwell):
    _take(persona, item, stairwell, "R-100")
    with pytest.raises(Conflict) as refused:
        _take(persona, item, stairwell, "R-100")
    assert refused.value.field == "ticket"


def test_a_ticket_that_passed_the_check_twice_is_refused_by_the_constraint(
    persona, item, stairwell, blind_check
):
    _take(persona, item, stairwell, "R-101")
    blind_check(ServiceRequest)
    with pytest.raises(Conflict) as refused:
        _take(persona, item, stairwell, "R-101")
    assert refused.value.field == "ticket"
    assert ServiceRequest.objects.filter(hotline_ticket="R-101").count() == 1
    # the refusal rolled back only its own insert: the next ticket goes in
    _take(persona, item, stairwell, "R-102")
    assert ServiceRequest.objects.filter(hotline_ticket="R-102").count() == 1
