from django.urls import path

from . import views

urlpatterns = [
    path("cases/emergencies/", views.event_list, name="emergency_list"),
    path("cases/emergencies/new/", views.event_new, name="emergency_new"),
    path("cases/emergencies/buildings/", views.buildings, name="emergency_buildings"),
    path("cases/emergencies/manifest.webmanifest", views.manifest, name="emergency_manifest"),
    path("cases/emergencies/sw.js", views.service_worker, name="emergency_sw"),
    path("cases/emergencies/<int:event_id>/", views.event_detail, name="emergency_detail"),
    path("cases/emergencies/<int:event_id>/checklist/", views.checklist, name="emergency_checklist"),
    path("cases/emergencies/<int:event_id>/close", views.event_close, name="emergency_close"),
    path("cases/emergencies/<int:event_id>/update", views.event_update, name="emergency_update"),
    path("cases/emergencies/<int:event_id>/reassign", views.reassign, name="emergency_reassign"),
    path(
        "cases/emergencies/<int:event_id>/tasks/<int:task_id>/done",
        views.task_done,
        name="emergency_task_done",
    ),
    path("cases/emergencies/<int:event_id>/report.pdf", views.report_pdf, name="emergency_report_pdf"),
    path("cases/emergencies/<int:event_id>/report.xlsx", views.report_xlsx, name="emergency_report_xlsx"),
]
