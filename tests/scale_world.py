"""Make a world bigger, cheaply and deterministically: ``multiply(factor)`` adds ``factor - 1``
copies of every row of the history tables (households and residents, wishes and their claims
and events, the talks' topics, signatures, tasks, progress and ratings, the linkages'
activities, sign-ups, service records, corrections and certificates, notifications, the audit
trail), so that every list, page, figure and export has ``factor`` times the rows to read.

Copies are written with ``bulk_create`` (no services: this is load, not behaviour) and keep
the original's place, people and dates. A copy's foreign keys to another copied table point at
the copy of the same round (a copied claim belongs to the copied wish, a copied sign-up to the
copied activity), so unique constraints that include such a key hold; the few that do not are
kept by the per-table adjustments of ``ADJUST`` (a suffix on a number, no account, no ID hash).
The originals are left as they are, so the demo's objects of ``tests/url_table.PARAMS`` still
name the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

# Parents before children: a copy's foreign keys are remapped to copies made earlier in the
# same round.
TABLES = [
    "regions.Household",
    "people.Person",
    "wishes.CharityMarket",
    "wishes.Wish",
    "wishes.Claim",
    "wishes.WishEvent",
    "talks.TalkTopic",
    "talks.TalkSignature",
    "talks.TalkEvent",
    "talks.TalkTask",
    "talks.TalkProgress",
    "talks.TalkRating",
    "teams.Activity",
    "teams.Signup",
    "teams.ServiceRecord",
    "teams.CorrectionRequest",
    "teams.Certificate",
    "notifications.Notification",
    "audit.AuditEvent",
]

# Tables the apps being built in parallel add (desk, cases, emergency, mechanisms,
# benchmarking) are multiplied too once they list themselves here; until then they keep their
# size, and the query-budget test still requests their pages at both sizes.


def _suffix(field: str, length: int) -> Callable[[Any, int], None]:
    def adjust(obj: Any, round_: int) -> None:
        value = f"{getattr(obj, field)}~{round_}"
        setattr(obj, field, value[-length:])

    return adjust


def _clear(*fields: str) -> Callable[[Any, int], None]:
    def adjust(obj: Any, round_: int) -> None:
        for field in fields:
            setattr(obj, field, None)

    return adjust


ADJUST: dict[str, Callable[[Any, int], None]] = {
    "regions.Household": _suffix("number", 30),  # unique (stairwell, number)
    "people.Person": _clear("user_id", "id_hash"),  # one person per account, per ID number
    "teams.Certificate": _suffix("serial", 40),  # unique serial
}


def multiply(factor: int, tables: list[str] | None = None) -> dict[str, int]:
    """Bring every listed table to ``factor`` times its rows; returns {table: rows added}."""
    tables = tables or TABLES
    counts = {label: apps.get_model(label)._default_manager.count() for label in tables}
    for round_ in range(1, factor):
        new_ids: dict[str, dict[int, int]] = {}
        for label in tables:
            new_ids[label] = _copy_rows_round(label, round_, new_ids, counts[label])
    return {label: counts[label] * (factor - 1) for label in tables}


def _copy_rows_round(label: str, round_: int, new_ids: dict[str, dict[int, int]], limit: int) -> dict[int, int]:
    """One round's copies of the original rows (the first ``limit`` by id: copies of earlier
    rounds are not copied again)."""
    model = apps.get_model(label)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    remap = {
        f.attname: f.related_model._meta.label
        for f in fields
        if isinstance(f, models.ForeignKey) and f.related_model._meta.label in new_ids and f.related_model is not model
    }
    adjust = ADJUST.get(label)
    originals = list(model._default_manager.order_by("pk").values_list("pk", *names)[:limit])
    copies = []
    for row in originals:
        values = dict(zip(names, row[1:], strict=True))
        for attname, target in remap.items():
            if values[attname] is not None:
                values[attname] = new_ids[target].get(values[attname], values[attname])
        obj = model(**values)
        if adjust is not None:
            adjust(obj, round_)
        copies.append(obj)
    # Copies keep the originals' timestamps: auto_now(_add) is off while they are written.
    stamped = [(f, f.auto_now, f.auto_now_add) for f in fields if isinstance(f, models.DateField)]
    try:
        for f, _now, _add in stamped:
            f.auto_now = f.auto_now_add = False
        created = model._default_manager.bulk_create(copies, batch_size=500)
    finally:
        for f, now, add in stamped:
            f.auto_now, f.auto_now_add = now, add
    return {row[0]: obj.pk for row, obj in zip(originals, created, strict=True)}
