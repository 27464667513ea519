from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "community365.cases"
    label = "cases"
    verbose_name = _("调解与法律服务")
