"""Pages of the three linkages. Thin: load through the policies (invisible ⇒ 404), call a
service on POST (a refusal becomes a message on the page), render. One module per linkage;
all are importable from here (``from community365.teams import views``)."""

from __future__ import annotations

from .alliance import activity_detail, activity_new, activity_sheet_xlsx, team_detail, teams_home
from .figures import figures
from .hours import certificate_check, certificate_pdf, my_hours, records_xlsx, team_records_xlsx
from .party import party, party_report_xlsx
from .rota import my_shifts, rota, rota_home, rota_overview

__all__ = [
    "activity_detail",
    "activity_new",
    "activity_sheet_xlsx",
    "certificate_check",
    "certificate_pdf",
    "figures",
    "my_hours",
    "my_shifts",
    "party",
    "party_report_xlsx",
    "records_xlsx",
    "rota",
    "rota_home",
    "rota_overview",
    "team_detail",
    "team_records_xlsx",
    "teams_home",
]
