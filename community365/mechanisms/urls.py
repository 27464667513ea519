from django.urls import path

from . import views

urlpatterns = [
    path("mechanisms/projects/", views.project_list, name="mech_projects"),
    path("mechanisms/projects/new/", views.project_new, name="mech_project_new"),
    path("mechanisms/projects/review/", views.review_queue, name="mech_review"),
    path("mechanisms/projects/menu/", views.menu, name="mech_menu"),
    path("mechanisms/projects/figures/", views.figures, name="mech_figures"),
    path("mechanisms/projects/figures.xlsx", views.figures_xlsx, name="mech_figures_xlsx"),
    path("mechanisms/projects/<int:project_id>/", views.project_detail, name="mech_project"),
    path(
        "mechanisms/projects/reports/<int:report_id>/photo", views.progress_photo, name="mech_progress_photo"
    ),
    path(
        "mechanisms/projects/<int:project_id>/<str:action>", views.project_action, name="mech_project_action"
    ),
    path("mechanisms/first-secretaries/", views.postings, name="mech_postings"),
    path("mechanisms/first-secretaries/results/", views.results, name="mech_results"),
    path(
        "mechanisms/first-secretaries/results/<int:result_id>/confirm",
        views.result_confirm,
        name="mech_result_confirm",
    ),
    path("mechanisms/first-secretaries/<int:posting_id>/", views.posting_detail, name="mech_posting"),
    path(
        "mechanisms/first-secretaries/<int:posting_id>/<str:action>",
        views.posting_action,
        name="mech_posting_action",
    ),
    path("mechanisms/centres/", views.centres, name="mech_centres"),
    path("mechanisms/centres/<int:centre_id>/", views.centre_detail, name="mech_centre"),
    path("mechanisms/centres/<int:centre_id>/<str:action>", views.centre_action, name="mech_centre_action"),
    path("mechanisms/lectures/", views.lectures, name="mech_lectures"),
    path("mechanisms/lectures/<int:lecture_id>/", views.lecture_detail, name="mech_lecture"),
    path(
        "mechanisms/lectures/<int:lecture_id>/<str:action>", views.lecture_action, name="mech_lecture_action"
    ),
    path("mechanisms/funds/", views.funds, name="mech_funds"),
    path("mechanisms/funds.xlsx", views.funds_xlsx, name="mech_funds_xlsx"),
    path("mechanisms/funds/<int:region_id>/", views.fund_ledger, name="mech_fund_ledger"),
    path("mechanisms/funds/receipts/<int:entry_id>", views.fund_attachment, name="mech_fund_attachment"),
    path("mechanisms/cobuilding/", views.cobuilding, name="mech_cobuilding"),
    path("mechanisms/cobuilding/needs/<int:need_id>/", views.need_detail, name="mech_need"),
    path("mechanisms/cobuilding/property/<int:region_id>/", views.property_cobuilding, name="mech_property"),
    path("mechanisms/cobuilding/<str:action>", views.cobuilding_action, name="mech_cobuilding_action"),
]
