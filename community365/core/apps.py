from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "community365.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its navigation entries, home to-dos and benchmarking indicators beside
        # its code (<app>/nav.py, <app>/todos.py, <app>/indicators.py); core finds them as the
        # admin finds admin.py.
        autodiscover_modules("nav", "todos", "indicators")

        from django.contrib.auth.signals import user_logged_in

        from .phrases import register
        from .roles import Role

        # Role names as phrases, so stored parameters can name a role in the reader's language.
        for role in Role:
            register(f"core.role.{role.value}", role.label)

        from .middleware import SessionRefreshMiddleware

        user_logged_in.connect(SessionRefreshMiddleware.stamp_at_login, dispatch_uid="c365-session-stamp")
