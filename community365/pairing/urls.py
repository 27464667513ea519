from django.urls import path

from . import views

urlpatterns = [
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/to-pair/", views.to_pair, name="pairing_to_pair"),
    path("pairings/new/", views.pairing_new, name="pairing_new"),
    path("pairings/mine/", views.mine, name="pairing_mine"),
    path("pairings/needs/", views.needs, name="pairing_needs"),
    path("pairings/figures/", views.figures, name="pairing_figures"),
    path("pairings/figures.xlsx", views.figures_xlsx, name="pairing_figures_xlsx"),
    path("pairings/<int:pairing_id>/", views.detail, name="pairing_detail"),
    path("pairings/<int:pairing_id>/visit/", views.visit_new, name="pairing_visit_new"),
    path("pairings/<int:pairing_id>/end", views.end, name="pairing_end"),
    path("pairings/households/<int:household_id>/", views.household, name="pairing_household"),
    path("pairings/needs/<int:need_id>/turn/", views.need_turn, name="pairing_need_turn"),
    path("pairings/visits/<int:visit_id>/photo", views.visit_photo, name="pairing_visit_photo"),
]
