"""/api/v1/supervision/…"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["supervision"])
