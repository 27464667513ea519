"""Stored words are codes with parameters; they become sentences only when a person reads them.

An event, a notification or a default reason is stored as ``code`` + ``params`` (JSON) and
rendered at display time in the reader's language, so a timeline written while the clerk used
Chinese reads in English for an English reader, and a corrected translation corrects history.

Each app registers its codes once, at import time of its ``phrases.py`` (imported from its
``AppConfig.ready()``)::

    from community365.core.phrases import register
    from django.utils.translation import gettext_lazy as _

    WISH_CLAIMED = register("wishes.claimed", _("您的心愿「%(title)s」已被认领"))

and stores ``code=WISH_CLAIMED, params={"title": wish.title}``. ``render(code, params)`` (or the
template tag ``{% phrase code params %}`` from ``core_tags``) gives the sentence.

A parameter value may itself need the reader's language:
- ``{"phrase": code, "params": {...}}`` renders another registered phrase (a status word, a role);
- ``{"date": "2026-03-01"}`` / ``{"datetime": "2026-03-01T09:30:00+08:00"}`` format the date in
  the reader's locale and the current time zone.
Anything else (names, titles a person wrote, numbers) is shown as it is.

An unknown code never breaks a page: it renders as ``params["text"]`` when present (legacy rows
migrated with their old sentence) and otherwise as the code itself, which a test can catch.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise

logger = logging.getLogger("community365.phrases")

_REGISTRY: dict[str, Promise | str] = {}


def register(code: str, text: Promise | str) -> str:
    """Register ``code`` with its lazily translated text (``%(name)s`` placeholders); returns the
    code so that modules can keep it as a constant. Registering one code twice with different
    text is a programming error."""
    existing = _REGISTRY.get(code)
    if existing is not None and str(existing) != str(text):
        raise ValueError(f"phrase {code!r} is registered twice with different text")
    _REGISTRY[code] = text
    return code


def is_registered(code: str) -> bool:
    return code in _REGISTRY


def registered_codes() -> list[str]:
    return sorted(_REGISTRY)


def date_param(value: datetime.date | datetime.datetime) -> dict[str, str]:
    """A date or moment as a parameter, formatted for the reader at display time."""
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    return {"date": value.isoformat()}


def phrase_param(code: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Another phrase as a parameter (a status word, a role name), rendered for the reader."""
    return {"phrase": code, "params": dict(params or {})}


def _display(value: Any) -> str:
    if isinstance(value, Mapping):
        if "phrase" in value:
            return render(str(value["phrase"]), value.get("params") or {})
        if "datetime" in value:
            moment = parse_datetime(str(value["datetime"]))
            if moment is not None:
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        if "date" in value:
            day = parse_date(str(value["date"]))
            if day is not None:
                return formats.date_format(day, "SHORT_DATE_FORMAT")
        return str(value)
    if value is None:
        return ""
    return str(value)


class _Values(dict):
    """Missing parameters render as empty rather than raising (an old row lacking a newer key)."""

    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence for ``code`` in the active language."""
    params = params or {}
    text = _REGISTRY.get(code)
    if text is None:
        legacy = params.get("text") if isinstance(params, Mapping) else None
        if legacy:
            return str(legacy)
        logger.warning("unregistered phrase %s", code)
        return code
    values = _Values({key: _display(value) for key, value in params.items()})
    try:
        return str(text) % values
    except (TypeError, ValueError):
        logger.exception("phrase %s does not fit its parameters", code)
        return str(text)
