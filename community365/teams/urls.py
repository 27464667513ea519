from django.urls import path

from . import views

urlpatterns = [
    path("teams/", views.teams_home, name="teams_home"),
    path("teams/t/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/t/<int:team_id>/records.xlsx", views.team_records_xlsx, name="team_records_xlsx"),
    path("teams/t/<int:team_id>/activities/new/", views.activity_new, name="activity_new"),
    path("teams/activities/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path(
        "teams/activities/<int:activity_id>/sheet.xlsx", views.activity_sheet_xlsx, name="activity_sheet_xlsx"
    ),
    path("teams/my-hours/", views.my_hours, name="my_hours"),
    path("teams/records.xlsx", views.records_xlsx, name="records_xlsx"),
    path("teams/certificates/<int:certificate_id>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("verify/", views.certificate_check, name="certificate_check"),
    path("teams/rota/", views.rota_home, name="rota_home"),
    path("teams/rota/<int:community_id>/", views.rota, name="rota"),
    path("teams/rota/overview/<int:region_id>/", views.rota_overview, name="rota_overview"),
    path("teams/my-shifts/", views.my_shifts, name="my_shifts"),
    path("teams/figures/", views.figures, name="teams_figures"),
    path("teams/party/", views.party, name="party"),
    path("teams/party/report.xlsx", views.party_report_xlsx, name="party_report_xlsx"),
]
