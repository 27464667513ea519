"""Every export of the project writes user text as text (issue 9, item 1).

The exports are declared in ``EXPORTS`` below; `test_every_export_is_declared` discovers them
from the URL patterns (routes or names with xlsx/csv) and from the source (every function that
calls ``xlsx_response``), so a new export that is not listed here fails the suite."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from community365.core import exports

pytestmark = pytest.mark.django_db

# One payload per kind of text, so that each export shows which of its columns carried one.
WISH_TITLE = '=HYPERLINK("http://evil.example/","点我")'
PERSON_NAME = "=1+1心愿"
USER_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
ACTIVITY_TITLE = "+SUM(1,2)活动"
TEAM_NAME = "-2+3+cmd|' /C calc'!A0"
PARTY_ORG = "\t=1+1党支部"
REGION_NAME = "=cmd|' /C calc'!A0社区"


@dataclass
class Export:
    persona: str | Callable[[], str]
    url: Callable[[], str]
    must_show: tuple[str, ...]


def _activity_with_signups() -> str:
    from community365.teams.models import Activity

    activity = Activity.objects.filter(signups__isnull=False, organiser__username="volunteer_demo").first()
    if activity is None:
        activity = Activity.objects.filter(signups__isnull=False).first()
    assert activity is not None
    return f"/teams/activities/{activity.pk}/sheet.xlsx"


def _party_report() -> str:
    from community365.teams.models import PartyMember

    member = PartyMember.objects.filter(user__username="member_demo").first()
    assert member is not None and member.unit_id is not None
    today = datetime.date.today()
    return f"/teams/party/report.xlsx?year={today.year}&quarter={(today.month - 1) // 3 + 1}&unit={member.unit_id}"


def _volunteer_with_records() -> str:
    from community365.teams.models import ServiceRecord

    record = ServiceRecord.objects.select_related("volunteer").order_by("id").first()
    assert record is not None
    return record.volunteer.username


def _team_records() -> str:
    from community365.teams.models import ServiceRecord

    record = ServiceRecord.objects.select_related("activity").order_by("id").first()
    assert record is not None
    return f"/teams/t/{record.activity.team_id}/records.xlsx"


def _emergency_report() -> str:
    from community365.emergency.models import EmergencyEvent

    event = EmergencyEvent.objects.filter(status="closed").order_by("pk").first()
    assert event is not None
    return f"/cases/emergencies/{event.pk}/report.xlsx"


def _published_assessment() -> str:
    from community365.supervision.models import Assessment

    assessment = Assessment.objects.filter(status="published").order_by("year").first()
    assert assessment is not None
    return f"/supervision/assessments/{assessment.pk}/results.xlsx"


# Keys: "<module>.<function>" of the view that calls xlsx_response.
EXPORTS: dict[str, Export] = {
    "community365.desk.figures.xlsx": Export(
        "admin_district", lambda: "/services/figures.xlsx", (REGION_NAME,)
    ),
    "community365.desk.views.lighting_xlsx": Export(
        "admin_district", lambda: "/services/lighting.xlsx", (REGION_NAME,)
    ),
    "community365.wishes.views._xlsx": Export(
        "worker_huachuan", lambda: "/wishes/all/?format=xlsx", (WISH_TITLE, PERSON_NAME)
    ),
    "community365.talks.views.figures_xlsx": Export(
        "admin_district", lambda: "/talks/figures.xlsx?by=community", (REGION_NAME,)
    ),
    "community365.teams.views.alliance.activity_sheet_xlsx": Export(
        "admin_district", _activity_with_signups, (USER_NAME,)
    ),
    "community365.teams.views.hours.records_xlsx": Export(
        _volunteer_with_records, lambda: "/teams/records.xlsx", (ACTIVITY_TITLE, TEAM_NAME)
    ),
    "community365.teams.views.hours.team_records_xlsx": Export(
        "admin_district", _team_records, (ACTIVITY_TITLE,)
    ),
    "community365.teams.views.party.party_report_xlsx": Export(
        "secretary_huachuan", _party_report, (USER_NAME, PARTY_ORG)
    ),
    "community365.benchmarking.views.league_xlsx": Export(
        "admin_district", lambda: "/benchmarking/league.xlsx", (REGION_NAME,)
    ),
    "community365.mechanisms.views.figures_xlsx": Export(
        "admin_district", lambda: "/mechanisms/projects/figures.xlsx?year=2016", (REGION_NAME,)
    ),
    "community365.mechanisms.views.funds_xlsx": Export(
        "admin_district", lambda: "/mechanisms/funds.xlsx?year=2016", (REGION_NAME,)
    ),
    "community365.cases.views.cases_figures_export": Export(
        "justice_demo", lambda: "/cases/figures.xlsx", (REGION_NAME, USER_NAME)
    ),
    "community365.emergency.views.report_xlsx": Export(
        "worker_huangli", _emergency_report, (REGION_NAME, USER_NAME)
    ),
    "community365.supervision.views.talks_xlsx": Export(
        "admin_district", lambda: "/supervision/talks.xlsx", (REGION_NAME,)
    ),
    "community365.supervision.views.notices_xlsx": Export(
        "admin_district", lambda: "/supervision/notices.xlsx", (REGION_NAME,)
    ),
    "community365.supervision.views.assessment_xlsx": Export(
        "admin_district", _published_assessment, (REGION_NAME,)
    ),
    # zone and subdistrict names (the district's own words; not planted): no formula cell
    "community365.zones.views.zones_xlsx": Export("admin_district", lambda: "/zones/zones.xlsx", ()),
    "community365.zones.views.targets_xlsx": Export("admin_district", lambda: "/zones/targets.xlsx", ()),
}
# URL patterns that serve an export (a route or name with xlsx/csv), and the view behind them.
EXPORT_ROUTES = {
    "talk_figures_xlsx": "community365.talks.views.figures_xlsx",
    "activity_sheet_xlsx": "community365.teams.views.alliance.activity_sheet_xlsx",
    "records_xlsx": "community365.teams.views.hours.records_xlsx",
    "team_records_xlsx": "community365.teams.views.hours.team_records_xlsx",
    "party_report_xlsx": "community365.teams.views.party.party_report_xlsx",
    "services_figures_xlsx": "community365.desk.views.figures_xlsx",
    "services_lighting_xlsx": "community365.desk.views.lighting_xlsx",
    "bm_league_xlsx": "community365.benchmarking.views.league_xlsx",
    "mech_figures_xlsx": "community365.mechanisms.views.figures_xlsx",
    "mech_funds_xlsx": "community365.mechanisms.views.funds_xlsx",
    "cases_figures_export": "community365.cases.views.cases_figures_export",
    "emergency_report_xlsx": "community365.emergency.views.report_xlsx",
    "sup_talks_xlsx": "community365.supervision.views.talks_xlsx",
    "sup_notices_xlsx": "community365.supervision.views.notices_xlsx",
    "sup_assessment_xlsx": "community365.supervision.views.assessment_xlsx",
    "zones_xlsx": "community365.zones.views.zones_xlsx",
    "zones_targets_xlsx": "community365.zones.views.targets_xlsx",
}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def _callers_of_xlsx_response() -> set[str]:
    """module.function of every function in the project's source that calls xlsx_response."""
    root = Path(settings.BASE_DIR)
    callers = set()
    for path in (root / "community365").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "exports.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "xlsx_response(" not in text and "write_xlsx(" not in text:
            continue
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        current = None
        for line in text.splitlines():
            match = re.match(r"def (\w+)\(", line)
            if match:
                current = match.group(1)
            if "xlsx_response(" in line or "write_xlsx(" in line:
                callers.add(f"{module}.{current}")
    return callers


def test_every_export_is_declared():
    routes = {}
    for route, pattern in _patterns(get_resolver()):
        if re.search(r"xlsx|csv", route + (pattern.name or ""), re.IGNORECASE):
            routes[pattern.name] = f"{pattern.callback.__module__}.{pattern.callback.__name__}"
    assert routes == EXPORT_ROUTES, "a new export URL: add it to EXPORT_ROUTES and EXPORTS"
    assert _callers_of_xlsx_response() == set(EXPORTS), "a new export: add it to EXPORTS"


def _plant_hostile_text() -> None:
    from community365.people.models import Person, User
    from community365.regions.models import Region
    from community365.teams.models import Activity, PartyMember, Team
    from community365.wishes.models import Wish

    def numbered(text: str) -> Concat:
        # Names can be unique per place: the payload followed by the row's id.
        return Concat(Value(text), Cast("pk", CharField()))

    Wish.objects.update(title=numbered(WISH_TITLE))
    Person.objects.update(name=numbered(PERSON_NAME))
    User.objects.update(display_name=numbered(USER_NAME))
    Activity.objects.update(title=numbered(ACTIVITY_TITLE))
    Team.objects.update(name=numbered(TEAM_NAME))
    PartyMember.objects.update(party_organisation=numbered(PARTY_ORG))
    Region.objects.filter(kind="community").update(name=numbered(REGION_NAME))


def test_every_export_writes_hostile_text_as_text(client_for):
    _plant_hostile_text()
    for view, export in EXPORTS.items():
        persona = export.persona() if callable(export.persona) else export.persona
        response = client_for(persona).get(export.url())
        assert response.status_code == 200, view
        book = load_workbook(io.BytesIO(response.content))
        texts = set()
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{view}: {cell.coordinate} is a formula: {cell.value!r}"
                    if isinstance(cell.value, str):
                        texts.add(cell.value)
        for payload in export.must_show:
            assert any(t.startswith(payload) for t in texts), f"{view}: {payload!r} not shown intact"


def test_numbers_and_dates_stay_typed_and_risky_text_is_quote_prefixed():
    buffer = io.BytesIO()
    when = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    exports.write_xlsx(
        buffer, "t", ["a", "b", "c", "d", "e"], [[12, 3.5, datetime.date(2026, 1, 2), when, "=1+1"]]
    )
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    row = list(next(sheet.iter_rows(min_row=2, max_row=2)))
    assert [c.data_type for c in row] == ["n", "n", "d", "d", "s"]
    assert row[0].value == 12 and row[1].value == 3.5
    assert row[2].value.date() == datetime.date(2026, 1, 2)
    assert row[3].value == datetime.datetime(2026, 3, 1, 17, 30)  # shown in local time
    assert row[4].value == "=1+1" and row[4].quotePrefix


def test_csv_text_is_neutralised():
    assert exports.neutralise_text("=1+1") == "'=1+1"
    assert exports.neutralise_text("@x") == "'@x"
    assert exports.neutralise_text("\tx") == "'\tx"
    assert exports.neutralise_text("王小明") == "王小明"


def test_an_export_holds_only_a_sample_of_rows_in_memory():
    """Rows come from a generator and are written as they come: a generator that refuses to be
    read twice proves the writer does not go back over the columns to size them."""
    consumed = []

    def rows():
        for i in range(500):
            consumed.append(i)
            yield [i, f"row {i}"]

    buffer = io.BytesIO()
    exports.write_xlsx(buffer, "t", ["n", "text"], rows())
    assert len(consumed) == 500
    sheet = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == 501


def test_a_sheet_title_drops_what_excel_refuses():
    assert exports.sheet_title("红队/志愿者: [2026]*?") == "红队 志愿者   2026"
    assert len(exports.sheet_title("长" * 40)) == 31
    assert exports.sheet_title("///") == "Sheet"


# pairing (appended by its app): the figures export, by community, unit and cadre.
EXPORTS["community365.pairing.views.figures_xlsx"] = Export(
    "admin_district", lambda: "/pairings/figures.xlsx", (REGION_NAME, USER_NAME)
)
EXPORT_ROUTES["pairing_figures_xlsx"] = "community365.pairing.views.figures_xlsx"
