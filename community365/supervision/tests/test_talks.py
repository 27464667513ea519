"""Special talks and their commitments: who starts them, deadlines, done once, the overdue sweep."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.supervision import services
from community365.supervision.models import Commitment

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def test_a_talk_copies_the_period_score_and_tells_the_secretary(
    admin, huachuan, secretary, soon, django_capture_on_commit_callbacks
):
    from community365.benchmarking.models import ScoreSnapshot
    from community365.notifications.models import Notification

    year = str(timezone.localdate().year - 1)
    snap = ScoreSnapshot.objects.get(run__key=year, run__complete=True, community=huachuan)
    with django_capture_on_commit_callbacks(execute=True):
        talk = services.talk_start(
            actor=admin,
            community=huachuan,
            held_on=timezone.localdate(),
            points="志愿服务落后",
            period=year,
            commitments=[("每月活动", soon)],
        )
    assert (talk.score, talk.rank, talk.secretary_id) == (snap.total, snap.rank, secretary.pk)
    assert talk.commitments.count() == 1
    assert Notification.objects.filter(recipient=secretary, kind="supervision.talk.started").exists()


def test_a_period_without_scores_is_refused(admin, huachuan):
    with pytest.raises(InvalidInput) as exc:
        services.talk_start(
            actor=admin, community=huachuan, held_on=timezone.localdate(), points="问题若干", period="1999"
        )
    assert exc.value.field == "period"


@pytest.mark.parametrize("who", ["staff_baizhang", "secretary_huachuan", "worker_huachuan"])
def test_only_the_district_starts_a_talk(persona, huachuan, who):
    with pytest.raises(NotAllowed):
        services.talk_start(
            actor=persona(who), community=huachuan, held_on=timezone.localdate(), points="问题若干"
        )


def test_a_commitment_deadline_in_the_past_is_refused(admin, talk, today):
    with pytest.raises(InvalidInput) as exc:
        services.commitment_add(
            actor=admin, talk=talk, text="补齐台账", deadline=today - datetime.timedelta(days=1)
        )
    assert exc.value.field == "deadline"
    with pytest.raises(InvalidInput):
        services.talk_start(
            actor=admin,
            community=talk.region,
            held_on=today,
            points="问题若干",
            commitments=[("补齐台账", today - datetime.timedelta(days=1))],
        )


def test_only_the_community_secretary_marks_done_and_only_once(talk, secretary, persona):
    commitment = talk.commitments.get()
    for who in ("worker_huachuan", "admin_district", "staff_baizhang"):
        with pytest.raises(NotAllowed):
            services.commitment_done(actor=persona(who), commitment=commitment, evidence="已经完成了")
    services.commitment_done(actor=secretary, commitment=commitment, evidence="已经完成了")
    commitment.refresh_from_db()
    assert commitment.done_at is not None
    with pytest.raises(InvalidTransition):
        services.commitment_done(actor=secretary, commitment=commitment, evidence="再来一次")


def test_a_stale_copy_cannot_mark_done_twice(talk, secretary):
    commitment = talk.commitments.get()
    stale = Commitment.objects.get(pk=commitment.pk)
    services.commitment_done(actor=secretary, commitment=commitment, evidence="已经完成了")
    with pytest.raises(Conflict):
        services.commitment_done(actor=secretary, commitment=stale, evidence="又完成了")


def test_evidence_must_be_a_picture(talk, secretary):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("evidence.jpg", b"<html>not a picture</html>", content_type="image/jpeg")
    with pytest.raises(InvalidInput):
        services.commitment_done(
            actor=secretary, commitment=talk.commitments.get(), evidence="已经完成了", evidence_file=fake
        )
    assert talk.commitments.get().done_at is None


def test_the_sweep_flags_overdue_commitments_once(talk, soon):
    later = soon + datetime.timedelta(days=1)
    assert services.overdue_sweep(actor=SYSTEM, today=later)["flagged"] >= 1
    assert talk.commitments.get().overdue_at is not None
    assert services.overdue_sweep(actor=SYSTEM, today=later)["flagged"] == 0


def test_the_sweep_is_scheduled():
    from community365.core.schedule import SCHEDULE

    job = next(j for j in SCHEDULE if j.name == "supervision_sweep")
    assert job.load() is not None and job.command == "supervision_sweep"
