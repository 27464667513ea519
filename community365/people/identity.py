"""ID-card numbers (居民身份证号码, GB 11643-1999): validated, then reduced to a keyed hash for
de-duplication and the last four characters for display. The number itself is never stored."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.utils.translation import gettext as _

from community365.core.errors import InvalidInput

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    number = (value or "").strip().upper().replace(" ", "")
    if not _SHAPE.match(number) or check_character(number[:17]) != number[17]:
        raise InvalidInput(_("身份证号码格式不正确。"), field="id_number")
    return number


def id_hash(number: str) -> str:
    key = (settings.ID_HASH_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def looks_like_id_number(text: str) -> bool:
    """Whether free text contains something shaped like an ID number (for public texts)."""
    return bool(re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text or ""))


def looks_like_phone(text: str) -> bool:
    return bool(re.search(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)", text or ""))
