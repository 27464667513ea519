from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarkingConfig(AppConfig):
    name = "community365.benchmarking"
    label = "benchmarking"
    verbose_name = _("对标")
