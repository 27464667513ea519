"""A party member's quarterly record counts the micro-wishes they fulfilled in the quarter."""

import pytest
from django.utils import timezone

from community365.teams.selectors import _wishes_fulfilled, quarter_bounds
from community365.wishes.models import Claim

pytestmark = pytest.mark.django_db


def test_quarter_counts_fulfilled_claims_and_nothing_else():
    claim = Claim.objects.filter(status=Claim.Status.FULFILLED).order_by("ended_at").first()
    assert claim is not None, "the demo year has fulfilled wishes"
    ended = timezone.localtime(claim.ended_at)
    start, end = quarter_bounds(ended.year, (ended.month - 1) // 3 + 1)
    expected = Claim.objects.filter(
        claimant_id=claim.claimant_id, status=Claim.Status.FULFILLED, ended_at__gte=start, ended_at__lt=end
    ).count()
    assert _wishes_fulfilled([claim.claimant_id], start, end) == {claim.claimant_id: expected}
    # a released or lapsed claim is not a fulfilled wish
    other = (
        Claim.objects.exclude(status=Claim.Status.FULFILLED).exclude(claimant_id=claim.claimant_id).first()
    )
    if other is not None:
        counted = _wishes_fulfilled([other.claimant_id], start, end).get(other.claimant_id, 0)
        assert (
            counted
            == Claim.objects.filter(
                claimant_id=other.claimant_id,
                status=Claim.Status.FULFILLED,
                ended_at__gte=start,
                ended_at__lt=end,
            ).count()
        )
