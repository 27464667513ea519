"""URL × persona rows of zones."""

from __future__ import annotations

ROWS: dict = {}
