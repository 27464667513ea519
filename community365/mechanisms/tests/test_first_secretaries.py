"""First secretaries: postings, extensions with the residents' petition, the ledger confirmed by
the community, the district totals, front-line postings."""

from __future__ import annotations

import datetime

import pytest

from community365.core.actors import SystemActor
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_world")]
SYSTEM = SystemActor("tests")


def test_contract_totals_match_the_article(api_for):
    body = api_for("resident_huachuan").get("/api/v1/mechanisms/first-secretaries/results/totals").json()
    totals = {row["category"]: row["total"] for row in body}
    assert totals["spirit"] == 59
    assert totals["brand"] >= 140 and totals["social_org"] >= 120
    assert totals["event"] >= 130 and totals["problem"] >= 190


def test_feng_extended_twice_with_a_signed_petition():
    from community365.mechanisms.models import FirstSecretaryPosting

    feng = FirstSecretaryPosting.objects.get(cadre_name="冯培荣")
    assert feng.extensions == 2 and feng.home_department.name == "区住建局"
    last = feng.extension_rows.order_by("at", "id").last()
    assert last.petition and last.signatures.count() >= 10


def _posting(persona, region):
    from community365.mechanisms.models import FirstSecretaryPosting

    return FirstSecretaryPosting.objects.get(cadre=persona("firstsec_demo"), region=region("黄鹂社区"))


def test_only_confirmed_results_count(persona, region):
    from community365.mechanisms import selectors, services

    posting = _posting(persona, region)
    before = selectors.result_totals()["spirit"]
    result = services.result_log(
        actor=persona("firstsec_demo"),
        posting=posting,
        category="spirit",
        title="提炼黄鹂精神",
        evidence="居民议事会纪要",
    )
    assert selectors.result_totals()["spirit"] == before
    services.result_confirm(actor=SYSTEM, result=result)
    assert selectors.result_totals()["spirit"] == before + 1
    with pytest.raises(InvalidTransition):
        services.result_confirm(actor=SYSTEM, result=result)


def test_someone_elses_ledger_is_refused(persona, region):
    from community365.mechanisms import services

    posting = _posting(persona, region)
    with pytest.raises(NotAllowed):
        services.result_log(
            actor=persona("worker_huangli"),
            posting=posting,
            category="event",
            title="代登记",
            evidence="照片存档",
        )
    with pytest.raises(InvalidInput):
        services.result_log(
            actor=persona("firstsec_demo"),
            posting=posting,
            category="nothing",
            title="x项",
            evidence="照片存档",
        )


def test_confirming_belongs_to_the_posted_community(persona, region):
    from community365.mechanisms import services

    posting = _posting(persona, region)
    result = services.result_log(
        actor=persona("firstsec_demo"),
        posting=posting,
        category="event",
        title="黄鹂邻里节",
        evidence="活动照片",
    )
    with pytest.raises(NotAllowed):  # 划船's secretary is not 黄鹂's
        services.result_confirm(actor=persona("secretary_huachuan"), result=result)
    with pytest.raises(InvalidInput):  # not confirming needs a reason
        services.result_confirm(actor=SYSTEM, result=result, confirm=False)


def test_the_communitys_secretary_confirms_from_the_results_page(client_for, persona):
    from community365.mechanisms.models import FirstSecretaryResult

    pending = FirstSecretaryResult.objects.get(region__name="划船社区", status="pending")
    client = client_for("secretary_huachuan")
    assert "data-row" in client.get("/mechanisms/first-secretaries/results/?status=pending").content.decode()
    client.post(f"/mechanisms/first-secretaries/results/{pending.pk}/confirm", {"note": ""})
    pending.refresh_from_db()
    assert pending.status == "confirmed" and pending.confirmed_by == persona("secretary_huachuan")


def test_extension_rules(persona, region):
    from community365.mechanisms import services

    posting = _posting(persona, region)
    with pytest.raises(NotAllowed):
        services.posting_extend(
            actor=persona("staff_baizhang"),
            posting=posting,
            new_end=datetime.date(2029, 1, 1),
            reason="居民挽留",
        )
    with pytest.raises(InvalidInput):
        services.posting_extend(
            actor=persona("admin_district"), posting=posting, new_end=posting.ends_on, reason="居民挽留"
        )
    extension = services.posting_extend(
        actor=persona("admin_district"),
        posting=posting,
        new_end=datetime.date(2029, 1, 1),
        reason="居民挽留",
        petition="请留下",
    )
    posting.refresh_from_db()
    assert posting.extensions == 1 and posting.ends_on == datetime.date(2029, 1, 1)
    # residents of the community co-sign once; others may not
    services.petition_sign(actor=persona("resident_101"), extension=extension)
    with pytest.raises(Conflict):
        services.petition_sign(actor=persona("resident_101"), extension=extension)
    with pytest.raises(NotAllowed):
        services.petition_sign(actor=persona("resident_huachuan"), extension=extension)


def test_a_stale_extension_loses(persona, region):
    """Two extensions decided from the same page: the second finds the end date moved."""
    from community365.mechanisms import services
    from community365.mechanisms.models import FirstSecretaryPosting

    posting = _posting(persona, region)
    stale = FirstSecretaryPosting.objects.get(pk=posting.pk)
    services.posting_extend(actor=SYSTEM, posting=posting, new_end=datetime.date(2029, 1, 1), reason="第一次")
    with pytest.raises(Conflict):
        services.posting_extend(
            actor=SYSTEM, posting=stale, new_end=datetime.date(2028, 6, 1), reason="第二次"
        )
    posting.refresh_from_db()
    assert posting.extensions == 1


def test_end_of_term_report_closes_the_posting(persona, region):
    from community365.mechanisms import services

    posting = _posting(persona, region)
    with pytest.raises(InvalidInput):
        services.posting_end(actor=persona("firstsec_demo"), posting=posting, report="太短")
    services.posting_end(
        actor=persona("firstsec_demo"), posting=posting, report="任期内协调解决楼道照明等十件实事。"
    )
    with pytest.raises(InvalidTransition):
        services.result_log(
            actor=persona("firstsec_demo"),
            posting=posting,
            category="event",
            title="期满后",
            evidence="照片存档",
        )


def test_frontline_batches(persona):
    from community365.mechanisms import selectors

    totals = selectors.frontline_totals(persona("admin_district"))
    # 15 batches; 800+ cadres in the full-size demo, fewer in the quick one the tests build
    assert totals["batches"] == 15 and totals["cadres"] >= 15
    assert selectors.frontline_totals(persona("resident_huachuan"))["cadres"] == 0


def test_posting_pages(client_for, persona, region):
    posting = _posting(persona, region)
    page = client_for("firstsec_demo").get(f"/mechanisms/first-secretaries/{posting.pk}/")
    assert page.status_code == 200 and "提交社区确认" in page.content.decode()
    page = client_for("resident_101").get(f"/mechanisms/first-secretaries/{posting.pk}/")
    assert "提交社区确认" not in page.content.decode()
    listing = client_for("admin_district").get("/mechanisms/first-secretaries/").content.decode()
    assert "冯培荣" in listing and "火线选育" in listing
