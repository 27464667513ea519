"""ID-card numbers (居民身份证号码, GB 11643-1999): validated, then reduced to a keyed hash for
de-duplication and the last four characters for display. The number itself is never stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

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


# Chinese numerals, everyday and financial (大写), as digits.
_NUMERALS = str.maketrans("〇零一壹二贰两三叁四肆五伍六陆七柒八捌九玖", "001122233445566778899")
# Separators people put between digits to slip a number past a filter.
_SEPARATORS = r"[\s\-‐‑‒–—―−.·•,_/()（）]"


def normalise_for_matching(text: str) -> str:
    """Free text reduced to what a number filter should see: NFKC (full-width digits become
    ASCII), format characters (zero-width spaces and joiners, Unicode category Cf) removed,
    Chinese numerals mapped to digits, and separators between two digits dropped."""
    folded = unicodedata.normalize("NFKC", text or "")
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    folded = folded.translate(_NUMERALS)
    return re.sub(rf"(?<=\d){_SEPARATORS}+(?=\d)", "", folded)


def looks_like_id_number(text: str) -> bool:
    """Whether free text contains something shaped like an ID number (for public texts)."""
    return bool(re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", normalise_for_matching(text)))


def looks_like_phone(text: str) -> bool:
    """Whether free text contains a mainland mobile number, however disguised (see
    ``normalise_for_matching``)."""
    return bool(re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", normalise_for_matching(text)))
