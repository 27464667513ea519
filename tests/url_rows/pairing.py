"""URL × persona rows of pairing."""

from __future__ import annotations

ROWS: dict = {}
