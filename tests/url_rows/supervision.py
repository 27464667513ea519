"""URL × persona rows of supervision."""

from __future__ import annotations

ROWS: dict = {}
