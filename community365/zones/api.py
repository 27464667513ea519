"""/api/v1/zones/…"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["zones"])
