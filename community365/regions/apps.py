from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "community365.regions"
    label = "regions"
    verbose_name = _("区域")

    def ready(self) -> None:
        from . import policies  # noqa: F401
