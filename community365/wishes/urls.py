from django.urls import path

from . import views

urlpatterns = [
    path("wishes/", views.board, name="wish_board"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/mine/", views.my_wishes, name="my_wishes"),
    path("wishes/claims/", views.my_claims, name="my_claims"),
    path("wishes/review/", views.review_queue, name="wish_review"),
    path("wishes/figures/", views.figures, name="wish_figures"),
    path("wishes/all/", views.wish_list, name="wish_list"),
    path("wishes/markets/", views.market_list, name="market_list"),
    path("wishes/markets/new/", views.market_new, name="market_new"),
    path("wishes/markets/<int:market_id>/", views.market_detail, name="market_detail"),
    path("wishes/markets/<int:market_id>/manage", views.market_manage, name="market_manage"),
    path("wishes/markets/<int:market_id>/live", views.market_live, name="market_live"),
    path("wishes/<int:wish_id>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:wish_id>/photos/<str:kind>", views.wish_photo, name="wish_photo"),
    path("wishes/<int:wish_id>/<str:action>", views.wish_action, name="wish_action"),
]
