from django.urls import path

from . import views

urlpatterns = [
    path("supervision/", views.todo, name="sup_todo"),
    path("supervision/talks/", views.talk_list, name="sup_talks"),
    path("supervision/talks.xlsx", views.talks_xlsx, name="sup_talks_xlsx"),
    path("supervision/talks/new", views.talk_new, name="sup_talk_new"),
    path("supervision/talks/<int:talk_id>/", views.talk_detail, name="sup_talk"),
    path("supervision/talks/<int:talk_id>/<str:action>", views.talk_action, name="sup_talk_action"),
    path(
        "supervision/commitments/<int:commitment_id>/evidence",
        views.commitment_evidence,
        name="sup_commitment_evidence",
    ),
    path("supervision/notices/", views.notice_list, name="sup_notices"),
    path("supervision/notices.xlsx", views.notices_xlsx, name="sup_notices_xlsx"),
    path("supervision/notices/new", views.notice_new, name="sup_notice_new"),
    path("supervision/notices/<int:notice_id>/", views.notice_detail, name="sup_notice"),
    path("supervision/notices/<int:notice_id>/<str:action>", views.notice_action, name="sup_notice_action"),
    path("supervision/replies/<int:reply_id>/evidence", views.reply_evidence, name="sup_reply_evidence"),
    path("supervision/analyses/", views.analysis_list, name="sup_analyses"),
    path("supervision/analyses/new", views.analysis_new, name="sup_analysis_new"),
    path("supervision/analyses/<int:analysis_id>/", views.analysis_detail, name="sup_analysis"),
    path("supervision/assessments/", views.assessment_list, name="sup_assessments"),
    path("supervision/assessments/<int:assessment_id>/", views.assessment_detail, name="sup_assessment"),
    path(
        "supervision/assessments/<int:assessment_id>/results.xlsx",
        views.assessment_xlsx,
        name="sup_assessment_xlsx",
    ),
    path(
        "supervision/assessments/<int:assessment_id>/communities/<int:community_id>/",
        views.assessment_community,
        name="sup_assessment_community",
    ),
    path(
        "supervision/assessments/<int:assessment_id>/<str:action>",
        views.assessment_action,
        name="sup_assessment_action",
    ),
]
