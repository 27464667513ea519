from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "community365.pairing"
    label = "pairing"
    verbose_name = _("党群连心·结对走亲")
