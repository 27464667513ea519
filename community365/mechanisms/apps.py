from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MechanismsConfig(AppConfig):
    name = "community365.mechanisms"
    label = "mechanisms"
    verbose_name = _("五机制")

    def ready(self) -> None:
        from . import phrases, policies  # noqa: F401
