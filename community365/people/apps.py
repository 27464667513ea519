from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "community365.people"
    label = "people"
    verbose_name = _("人员与账号")

    def ready(self) -> None:
        from . import policies  # noqa: F401
