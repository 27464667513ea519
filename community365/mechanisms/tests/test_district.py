"""Shard-ready (docs/scaling.md): every row of a child table carries the district of its parent
row, copied by the services, never taken from input."""

from __future__ import annotations

import pytest
from django.db.models import F

pytestmark = pytest.mark.django_db

# child table → the key to the row whose district it carries (the demo writes them; reviews,
# ratings and reversed allocations are checked where their tests write them)
PARENTS = {
    "ProjectTask": "project",
    "ProjectProgress": "project",
    "PostingExtension": "posting",
    "PetitionSignature": "extension",
    "LectureRegistration": "lecture",
    "PropertyMeeting": "manager",
    "EstateFeeRate": "manager",
    "CoProject": "need",
    "FundEntry": "reverses",
}


@pytest.mark.parametrize("name", sorted(PARENTS))
def test_child_rows_carry_the_district_of_their_parent(demo_world, name):
    from community365.mechanisms import models

    model = getattr(models, name)
    parent = PARENTS[name]
    children = model.objects.filter(**{f"{parent}__isnull": False})
    assert children.exists(), f"the demo writes no {name} with a {parent}: nothing to check"
    wrong = children.exclude(district=F(f"{parent}__district")).count()
    assert wrong == 0, f"{wrong} {name} rows carry another district than their {parent}"


def test_a_registration_in_another_district_carries_that_district(demo_world):
    """A lecture of a second district: the registration takes the lecture's district, not the
    user's or the first district's."""
    from community365.mechanisms import services
    from community365.mechanisms.models import LectureRegistration
    from community365.mechanisms.tests.test_centres import _world

    _room, lecture, (user,) = _world(1)
    other = LectureRegistration.objects.exclude(lecture__district=lecture.district).first()
    assert other is not None and other.district_id != lecture.district_id  # the demo's district
    registration = services.lecture_register(actor=user, lecture=lecture)
    assert registration.district_id == lecture.district_id
