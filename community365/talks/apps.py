from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "community365.talks"
    label = "talks"
    verbose_name = _("双向约谈")

    def ready(self) -> None:
        from . import phrases, policies  # noqa: F401  (register the phrases and permissions)
