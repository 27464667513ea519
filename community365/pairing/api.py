"""/api/v1/pairing/…"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["pairing"])
