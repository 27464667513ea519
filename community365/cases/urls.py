from django.urls import path

from . import views

urlpatterns = [
    path("cases/mediations/", views.mediation_list, name="mediation_list"),
    path("cases/mediations/queue/", views.mediation_queue, name="mediation_queue"),
    path("cases/mediations/new/", views.mediation_new, name="mediation_new"),
    path("cases/mediations/<int:case_id>/", views.mediation_detail, name="mediation_detail"),
    path(
        "cases/mediations/<int:case_id>/agreement.pdf",
        views.mediation_agreement_pdf,
        name="mediation_agreement_pdf",
    ),
    path(
        "cases/mediations/<int:case_id>/agreement-scan",
        views.mediation_agreement_scan,
        name="mediation_agreement_scan",
    ),
    path("cases/mediations/<int:case_id>/<str:action>", views.mediation_action, name="mediation_action"),
    path("cases/figures/", views.cases_figures, name="cases_figures"),
    path("cases/figures.xlsx", views.cases_figures_export, name="cases_figures_export"),
    path("cases/clinic/", views.clinic_home, name="clinic_home"),
    path("cases/clinic/mine/", views.clinic_mine, name="clinic_mine"),
    path("cases/clinic/consultations/", views.clinic_consultations, name="clinic_consultations"),
    path("cases/clinic/<int:clinic_id>/manage/", views.clinic_manage, name="clinic_manage"),
    path("cases/clinic/sessions/<int:session_id>/", views.clinic_session, name="clinic_session"),
    path("cases/clinic/sessions/<int:session_id>/<str:action>", views.clinic_action, name="clinic_action"),
    path("cases/referrals/<int:referral_id>/handle", views.referral_handle, name="cases_referral_handle"),
    path("cases/residents/pick", views.resident_pick, name="cases_resident_pick"),
]
