"""Ids that come from outside (a URL, a form field, a request body) are checked before they
reach a query: every table's id is a bigint (``BigAutoField``), so an id is an int from 1 to
2⁶³−1. Anything else — 0, a negative, a bool, 20 digits — is "not found", never an overflow
in the database driver (a 500). One definition for every app."""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID
