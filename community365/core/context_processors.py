from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import nav


def platform(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages without the header (JSON, files) never compute the menu; pages with it
    # compute it once (nav.menu_for keeps it on the request).
    return {"platform_name": _("社区365"), "menu": SimpleLazyObject(lambda: nav.menu_for(request))}
