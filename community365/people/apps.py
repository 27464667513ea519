from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "community365.people"
    label = "people"
    verbose_name = _("人员与账号")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from community365.regions.models import Department, Region

        from . import (
            policies,  # noqa: F401
            token_cache,
        )
        from .models import ApiToken, RoleAssignment, User

        # What a bearer token opened is kept a few seconds for reads (token_cache): a change to
        # what it read empties the cache of this process.
        for model in (User, ApiToken, RoleAssignment, Region, Department):
            for signal in (post_save, post_delete):
                signal.connect(
                    token_cache.forget_on_change,
                    sender=model,
                    dispatch_uid=f"token_cache:{model.__name__}:{id(signal)}",
                )
