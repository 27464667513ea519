"""A party member's quarterly record counts the micro-wishes they fulfilled in the quarter."""

import pytest
from django.utils import timezone

from community365.teams.selectors import _wishes_fulfilled, quarter_bounds
from community365.wishes.models import Claim

pytestmark = pytest.mark.django_db


def test_quarter_counts_the_members_fulfilled_claims():
    claim = Claim.objects.filter(status=Claim.Status.FULFILLED).order_by("ended_at").first()
    assert claim is not None, "the demo year has fulfilled wishes"
    ended = timezone.localtime(claim.ended_at)
    start, end = quarter_bounds(ended.year, (ended.month - 1) // 3 + 1)
    expected = Claim.objects.filter(
        claimant_id=claim.claimant_id, status=Claim.Status.FULFILLED, ended_at__gte=start, ended_at__lt=end
    ).count()
    assert _wishes_fulfilled([claim.claimant_id], start, end) == {claim.claimant_id: expected}
    assert expected >= 1
