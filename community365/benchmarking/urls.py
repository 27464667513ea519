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
    path("benchmarking/entries/", views.entries, name="bm_entries"),
    path("benchmarking/entries/<int:node_id>/<int:community_id>/", views.entry, name="bm_entry"),
    path("benchmarking/entries/<int:entry_id>/confirm", views.entry_confirm, name="bm_entry_confirm"),
    path("benchmarking/entries/<int:entry_id>/return", views.entry_return, name="bm_entry_return"),
    path("benchmarking/entries/files/<int:file_id>", views.entry_file, name="bm_entry_file"),
    path("benchmarking/indicators/<int:tree_id>/nodes/new", views.node_new, name="bm_node_new"),
    path("benchmarking/indicators/nodes/<int:node_id>/move", views.node_move, name="bm_node_move"),
    path("benchmarking/indicators/nodes/<int:node_id>/retire", views.node_retire, name="bm_node_retire"),
    path("benchmarking/indicators/<int:tree_id>/weights", views.weights, name="bm_weights"),
    path("benchmarking/indicators/<int:tree_id>/settings", views.tree_settings, name="bm_tree_settings"),
    path("benchmarking/district-report.pdf", views.district_pdf, name="bm_district_pdf"),
]
