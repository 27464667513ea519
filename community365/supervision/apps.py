from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "community365.supervision"
    label = "supervision"
    verbose_name = _("党建责任制")

    def ready(self) -> None:
        from . import phrases, policies  # noqa: F401
