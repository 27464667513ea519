from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "community365.teams"
    label = "teams"
    verbose_name = _("三联：社工联勤、党员联动、志愿联盟")

    def ready(self) -> None:
        from . import phrases, policies  # noqa: F401
