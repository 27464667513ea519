from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "community365.demo"
    label = "demo"
    verbose_name = "Demo district"
