from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "community365.desk"
    label = "desk"
    verbose_name = _("六服务·服务台")

    def ready(self) -> None:
        from . import phrases, policies  # noqa: F401  (register the phrases and permissions)
