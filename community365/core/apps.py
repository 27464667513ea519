from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "community365.core"
    label = "core"
    verbose_name = "Core"
