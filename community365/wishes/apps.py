from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "community365.wishes"
    label = "wishes"
    verbose_name = _("微心愿")

    def ready(self) -> None:
        from . import phrases, policies  # noqa: F401
