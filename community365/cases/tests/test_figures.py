"""The judicial offices' figures: counted in grouped queries, under the reader's places, with
no names for roles without access to the cases; the benchmarking indicators."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from community365.cases import selectors, services
from community365.cases.models import MediationCase, Outcome
from community365.core import indicators

pytestmark = pytest.mark.usefixtures("demo_world")


def test_figures_match_the_cases(persona):
    justice = persona("justice_demo")
    figures = selectors.mediation_figures(justice)
    cases = MediationCase.objects.all()
    summary = figures["summary"]
    assert summary["total"] == cases.count()
    assert summary["agreed"] == cases.filter(outcome=Outcome.AGREED).count()
    decided = cases.exclude(outcome="").count()
    assert summary["agreed_pct"] == round(100 * summary["agreed"] / decided, 1)
    assert sum(r["total"] for r in figures["by_kind"]) == summary["total"]
    assert sum(r["total"] for r in figures["by_subdistrict"]) == summary["total"]


def test_a_secretary_counts_only_their_community(persona, region):
    figures = selectors.mediation_figures(persona("secretary_huachuan"))
    assert figures["summary"]["total"] == MediationCase.objects.filter(region=region("划船社区")).count()


def test_new_agreement_moves_the_figures(persona, new_case):
    before = selectors.mediation_figures(persona("justice_demo"))["summary"]["agreed"]
    case = new_case()
    services.mediation_agree(
        actor=persona("mediator_demo"), case=case, facts="事实", terms="条款", performance="当场"
    )
    assert selectors.mediation_figures(persona("justice_demo"))["summary"]["agreed"] == before + 1


def test_figures_queries_do_not_grow_with_cases(persona, new_case):
    justice = persona("justice_demo")
    selectors.mediation_figures(justice)  # the user's grants load once, outside the count
    with CaptureQueriesContext(connection) as first:
        selectors.mediation_figures(justice)
        selectors.clinic_figures(justice)
    for _n in range(5):
        new_case()
    with CaptureQueriesContext(connection) as second:
        selectors.mediation_figures(justice)
        selectors.clinic_figures(justice)
    assert len(second) == len(first), "\n".join(q["sql"][:150] for q in second.captured_queries)


def test_clinic_figures_count_hours_and_consultations(persona):
    clinic = selectors.clinic_figures(persona("justice_demo"))
    assert clinic["sessions_held"] >= 11 and clinic["lawyer_hours"] == clinic["sessions_held"] * 2.5
    assert clinic["consultations"] == sum(r["n"] for r in clinic["by_category"])


def test_figures_page_and_xlsx(client_for):
    page = client_for("staff_baizhang")
    assert page.get("/cases/figures/").status_code == 200
    answer = page.get("/cases/figures.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.cell(row=2, column=1).value in ("合计", "Total")
    assert client_for("resident_huachuan").get("/cases/figures/").status_code == 404
    assert client_for("mediator_demo").get("/cases/figures.xlsx").status_code == 404


def test_indicators_one_value_per_community(region):
    today = timezone.localdate()
    period = indicators.Period(today - datetime.timedelta(days=365), today)
    ids = [region("划船社区").pk, region("福明家园社区").pk, region("黄鹂社区").pk]
    reached = indicators.get("cases.agreements_reached_pct").values(period, ids)
    assert region("划船社区").pk in reached
    value = reached[region("划船社区").pk]
    assert value.value == round(100 * value.numerator / value.denominator, 1)
    per_1000 = indicators.get("cases.consultations_per_1000").values(period, ids)
    assert set(per_1000) == {region("福明家园社区").pk}
    kept = indicators.get("cases.agreements_kept_pct").values(period, ids)
    assert all(0 <= v.value <= 100 for v in kept.values())
