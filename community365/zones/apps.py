from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "community365.zones"
    label = "zones"
    verbose_name = _("整片建强")
