from django.urls import path

from . import views

urlpatterns = [
    path("regions/", views.region_browser, name="region_browser"),
    path("regions/<int:region_id>/", views.region_detail, name="region_detail"),
]
