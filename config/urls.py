from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .api import api

admin.site.site_header = _("社区365 后台")
admin.site.site_title = _("社区365")
admin.site.index_title = _("后台管理")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("community365.core.urls")),
    path("", include("community365.people.urls")),
    path("", include("community365.regions.urls")),
    path("", include("community365.audit.urls")),
    path("", include("community365.wishes.urls")),
    path("", include("community365.notifications.urls")),
    path("", include("community365.teams.urls")),
    path("", include("community365.talks.urls")),
    path("", include("community365.desk.urls")),
    path("", include("community365.emergency.urls")),  # before cases: /cases/emergencies/…
    path("", include("community365.cases.urls")),
    path("", include("community365.mechanisms.urls")),
    path("", include("community365.benchmarking.urls")),
    path("", include("community365.pairing.urls")),
    path("", include("community365.zones.urls")),
    path("", include("community365.supervision.urls")),
]

handler404 = "community365.core.views.not_found"
handler500 = "community365.core.views.server_error"
