from django.urls import path

from . import views

urlpatterns = [
    path("benchmarking/", views.league, name="bm_league"),
    path("benchmarking/league.xlsx", views.league_xlsx, name="bm_league_xlsx"),
    path("benchmarking/indicators/", views.tree, name="bm_tree"),
    path("benchmarking/indicators/<int:tree_id>/publish", views.tree_publish, name="bm_tree_publish"),
    path("benchmarking/indicators/<int:tree_id>/copy", views.tree_copy, name="bm_tree_copy"),
    path("benchmarking/indicators/nodes/<int:node_id>/edit", views.node_edit, name="bm_node_edit"),
    path("benchmarking/subdistricts/<int:region_id>/", views.subdistrict, name="bm_subdistrict"),
    path("benchmarking/communities/<int:community_id>/", views.community, name="bm_community"),
    path(
        "benchmarking/communities/<int:community_id>/report.pdf", views.community_pdf, name="bm_community_pdf"
    ),
]
