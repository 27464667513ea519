"""Masking of personal data for every role that does not need it in full.

Used by pages, API and exports alike, so that one rule decides what leaves the database."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """王小明 → 王*; a single character stays as it is shown nowhere alone anyway."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*"


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_id_last4(last4: str) -> str:
    return ("**************" + last4) if last4 else ""
