"""Closing an event (hours through the alliance, the report as PDF/xlsx) and the pages: the
board, the checklist, the installable app's manifest and service worker, low-lying buildings."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from community365.core.errors import InvalidTransition, NotAllowed
from community365.emergency import services
from community365.emergency.models import CheckAssignment, EmergencyEvent
from community365.teams.models import HoursStatus, ServiceRecord
from tests.pdf_text import pdf_fonts, pdf_text

from .conftest import tap

pytestmark = pytest.mark.django_db


def _check_all(event, username, persona):
    households = list(
        CheckAssignment.objects.filter(event=event, assignee__username=username).values_list(
            "household_id", flat=True
        )
    )
    services.checks_record(
        actor=persona(username), event=event, items=services.clean_items([tap(h) for h in households])
    )
    return households


def test_closing_gives_team_members_verified_hours_once(drill, persona):
    _check_all(drill, "emergency_demo", persona)
    _check_all(drill, "worker_huangli", persona) if CheckAssignment.objects.filter(
        event=drill, assignee__username="worker_huangli"
    ).exists() else None
    for who in ("worker_huangli", "emergency_demo", "staff_baizhang"):
        with pytest.raises(NotAllowed):
            services.event_close(actor=persona(who), event=drill)
    services.event_close(actor=persona("admin_district"), event=drill, summary="演练顺利")
    records = ServiceRecord.objects.filter(activity__title__startswith=drill.title)
    # the team member gets verified hours; social workers (staff) get none
    assert list(records.values_list("volunteer__username", "status")) == [
        ("emergency_demo", HoursStatus.VERIFIED)
    ]
    with pytest.raises(InvalidTransition):
        services.event_close(actor=persona("admin_district"), event=drill)
    assert records.count() == 1


def test_the_closed_typhoons_report_as_pdf_with_embedded_fonts_and_as_xlsx(client_for):
    typhoon = EmergencyEvent.objects.get(status="closed", kind="typhoon")
    client = client_for("worker_huangli")
    pdf = client.get(f"/cases/emergencies/{typhoon.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # every font embedded (compressed streams: read through pypdf), and the words read back whole
    fonts = pdf_fonts(pdf.content)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    text = pdf_text(pdf.content)
    assert typhoon.title in re.sub(r"\s+", "", text)
    xlsx = client.get(f"/cases/emergencies/{typhoon.pk}/report.xlsx")
    assert xlsx.status_code == 200
    texts = {c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row}
    assert typhoon.title in texts and "蜡烛" in texts


@pytest.mark.parametrize("who", ["emergency_demo", "worker_huachuan", "resident_huachuan"])
def test_the_report_is_for_the_places_staff(client_for, who):
    typhoon = EmergencyEvent.objects.get(status="closed", kind="typhoon")
    assert client_for(who).get(f"/cases/emergencies/{typhoon.pk}/report.pdf").status_code == 404


def test_the_board_counts_by_building_in_grouped_queries(client_for, drill, persona):
    client = client_for("worker_huangli")
    community = drill.communities.get().region_id
    url = f"/cases/emergencies/{drill.pk}/?community={community}"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    _check_all(drill, "emergency_demo", persona)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(after) == len(before)  # more checks, the same queries
    figures = response.context["figures"]
    assert (
        figures["checked"]
        == CheckAssignment.objects.filter(event=drill, assignee__username="emergency_demo").count()
    )
    assert sum(r.checked for r in response.context["rows"]) == figures["checked"]


def test_the_checklist_page_lists_my_households_and_loads_the_script(client_for, drill):
    response = client_for("emergency_demo").get(f"/cases/emergencies/{drill.pk}/checklist/")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        body.count('class="em-household"')
        == CheckAssignment.objects.filter(event=drill, assignee__username="emergency_demo").count()
    )
    assert "js/emergency.js" in body and 'rel="manifest"' in body and "<script>" not in body


def test_the_app_is_installable(client):
    manifest = client.get("/cases/emergencies/manifest.webmanifest")
    assert manifest["Content-Type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"] == "/cases/emergencies/"
    worker = client.get("/cases/emergencies/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert b'addEventListener("fetch"' in worker.content and b"/api/" in worker.content


def test_a_worker_flags_a_building_on_the_page(client_for, region):
    from community365.regions.models import Region

    building = (
        Region.objects.filter(path__startswith=region("划船社区").path, kind="building")
        .order_by("path")
        .first()
    )
    client = client_for("worker_huachuan")
    assert client.get("/cases/emergencies/buildings/").status_code == 200
    client.post("/cases/emergencies/buildings/", {"building": building.pk, "low_lying": "1"})
    building.refresh_from_db()
    assert building.low_lying
    # another community's worker cannot reach it
    other = client_for("worker_huangli").post(
        "/cases/emergencies/buildings/", {"building": building.pk, "low_lying": "0"}
    )
    assert other.status_code == 404
    building.refresh_from_db()
    assert building.low_lying


def test_the_board_gives_a_building_to_another_helper(client_for, drill, persona):
    row = (
        CheckAssignment.objects.filter(event=drill)
        .exclude(assignee__username="emergency_demo")
        .select_related("building")
        .first()
    )
    demo = persona("emergency_demo")
    page = client_for("worker_huangli").get(f"/cases/emergencies/{drill.pk}/?community={row.region_id}")
    assert (demo.pk, demo.display_name) in page.context["helpers"]
    # another community's worker does not even see the event
    outsider = client_for("worker_huachuan").post(
        f"/cases/emergencies/{drill.pk}/reassign", {"building": row.building_id, "assignee": demo.pk}
    )
    assert outsider.status_code == 404
    client_for("worker_huangli").post(
        f"/cases/emergencies/{drill.pk}/reassign", {"building": row.building_id, "assignee": demo.pk}
    )
    assert (
        not CheckAssignment.objects.filter(event=drill, building=row.building).exclude(assignee=demo).exists()
    )


def test_open_needs_are_on_the_social_workers_home(client_for, drill, persona):
    from community365.core import todos

    household = CheckAssignment.objects.filter(event=drill, assignee__username="emergency_demo").first()
    services.checks_record(
        actor=persona("emergency_demo"),
        event=drill,
        items=services.clean_items([tap(household.household_id, "needs_help", needs=["meals", "candles"])]),
    )
    counts = {c.key: c for c in todos.todos_for(persona("worker_huangli")).counts}
    assert counts["emergency.tasks"].count == 2
    page = client_for("worker_huangli").get(counts["emergency.tasks"].url.split("#")[0])
    assert page.content.decode().count('class="em-task" data-row') == 2
    assert "emergency.tasks" not in {c.key for c in todos.todos_for(persona("worker_huachuan")).counts}


def test_the_boards_figures_refresh_themselves_while_the_event_is_open(client_for, drill, persona):
    """The three figures of the live board are fetched again every 30 s (htmx, the same page,
    only that block swapped), and announced politely to screen readers; a closed event's do not."""
    page = client_for("admin_district").get(f"/cases/emergencies/{drill.pk}/").content.decode()
    block = re.search(r'<div class="em-figures" id="em-figures"[^>]*>', page).group(0)
    assert 'hx-trigger="every 30s"' in block and 'hx-select="#em-figures"' in block
    services.event_close(actor=persona("admin_district"), event=drill, summary="演练结束")
    page = client_for("admin_district").get(f"/cases/emergencies/{drill.pk}/").content.decode()
    block = re.search(r'<div class="em-figures" id="em-figures"[^>]*>', page).group(0)
    assert "hx-trigger" not in block
