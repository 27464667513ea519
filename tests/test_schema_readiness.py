"""Ready to be distributed by district (issue 10 item 7, docs/scaling.md): a province runs on
Citus with the district-owned tables distributed by ``district_id``. That needs, for every
district-owned table (every model of the project's apps not declared ``GLOBAL`` below):

1. a ``district_id`` column (a foreign key named ``district``);
2. ``district`` in every unique constraint (Citus enforces uniqueness per shard only);
3. ``district`` on both ends of every foreign key between district-owned tables (the
   deployment's migration turns such a key into a composite ``(district_id, x_id)``
   reference; a table without ``district_id`` cannot take part).

The schema breaks these rules in places today. They are listed below, each with what fixes it,
and the lists only shrink: a new table (the desk, cases, emergency, mechanisms and
benchmarking apps included) must comply, and a listed table that is fixed must leave its
list. The test reads the models only (no database)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

# Tables that are not district-owned, and why (they stay on the coordinator or are replicated).
GLOBAL: dict[str, str] = {
    "people.User": "an account may hold roles in several districts: coordinator table",
    "people.ApiToken": "belongs to an account (people.User): coordinator table",
    "notifications.Notification": "an account's inbox (people.User), across its districts: coordinator table",
    "desk.Open311Client": "an Open311 api_key is looked up before the district is known: coordinator table",
}

# Rule 1: district-owned tables without a district column today (→ add ``district``, filled
# by the services from the parent row, and backfill in a migration).
NO_DISTRICT: dict[str, str] = {
    "audit.AuditEvent": "records actor and object, not the district: add district (null for the system's own)",
    "wishes.WishEvent": "district of its wish",
    "wishes.OrganisationAccount": "district of its organisation",
    "talks.TalkSignature": "district of its topic",
    "talks.TalkEvent": "district of its topic",
    "talks.TalkProgress": "district of its task",
    "talks.TalkRating": "district of its topic",
}

# Rule 2: unique constraints (and unique columns) without district today, as
# "table: field, field". Each becomes (district, …): the same rule, since the other fields
# already lie in one district. The named constraints of tables with a district column include
# it since people/regions/teams/wishes migrations "unique_with_district"; what is left are
# single unique columns (unique=True, one-to-one) and the tables of NO_DISTRICT.
UNIQUE_WITHOUT_DISTRICT: set[str] = {
    "regions.Region: path",
    "regions.Region: code",
    "people.Person: user",
    "teams.DutyRoster: region",
    "teams.PartyMember: user",
    "teams.Certificate: serial",
    "talks.TalkSignature: topic, person",
    "talks.TalkRating: topic, person",
    "wishes.OrganisationAccount: user",
}


def _project_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("community365.") and not m._meta.proxy and m._meta.managed
    ]


def _district_owned() -> list[type[models.Model]]:
    return [m for m in _project_models() if m._meta.label not in GLOBAL]


def _has_district(model: type[models.Model]) -> bool:
    try:
        field = model._meta.get_field("district")
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.ForeignKey) and field.related_model._meta.label == "regions.Region"


def _colocated_one_to_one(model: type[models.Model], field: models.Field) -> bool:
    """A one-to-one link between two district-owned tables that both carry district: the
    deployment's migration makes the link a composite (district_id, x_id) reference (rule 3),
    and its uniqueness (district_id, x_id) with it."""
    target = getattr(field, "related_model", None)
    return (
        isinstance(field, models.OneToOneField)
        and target is not None
        and target._meta.label not in GLOBAL
        and target._meta.label != "regions.Region"
        and _has_district(model)
        and _has_district(target)
    )


def _uniques(model: type[models.Model]) -> list[tuple[str, ...]]:
    found = [
        (f.name,)
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and not _colocated_one_to_one(model, f)
    ]
    found += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    found += [tuple(t) for t in model._meta.unique_together]
    return found


def test_the_lists_name_real_tables():
    labels = {m._meta.label for m in _project_models()}
    named = set(GLOBAL) | set(NO_DISTRICT) | {entry.split(":")[0] for entry in UNIQUE_WITHOUT_DISTRICT}
    assert named <= labels, f"not a table of the project: {sorted(named - labels)}"


def test_every_district_owned_table_carries_district():
    missing = {m._meta.label for m in _district_owned() if not _has_district(m)}
    new = sorted(missing - set(NO_DISTRICT))
    fixed = sorted(set(NO_DISTRICT) - missing)
    assert not new, (
        f"district-owned tables without a district column (add `district`, or GLOBAL with a reason): {new}"
    )
    assert not fixed, f"carry district now: remove from NO_DISTRICT: {fixed}"


def test_district_is_part_of_every_unique_constraint():
    breaking = set()
    for model in _district_owned():
        for fields in _uniques(model):
            if "district" not in fields:
                breaking.add(f"{model._meta.label}: {', '.join(fields)}")
    new = sorted(breaking - UNIQUE_WITHOUT_DISTRICT)
    fixed = sorted(UNIQUE_WITHOUT_DISTRICT - breaking)
    assert not new, f"unique without district (make it (district, …)): {new}"
    assert not fixed, f"include district now: remove from UNIQUE_WITHOUT_DISTRICT: {fixed}"


def test_foreign_keys_between_district_owned_tables_can_carry_district():
    owned = {m._meta.label for m in _district_owned()}
    breaking = set()
    for model in _district_owned():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or field.name == "district":
                continue
            target = field.related_model
            if target._meta.label not in owned or target._meta.label == "regions.Region":
                continue  # a place: the region tree is read by every shard (see docs/scaling.md)
            for end in (model, target):
                if not _has_district(end):
                    breaking.add(end._meta.label)
    new = sorted(breaking - set(NO_DISTRICT))
    assert not new, f"a foreign key between district-owned tables reaches a table without district: {new}"


def test_global_tables_hold_no_foreign_key_to_district_owned_rows():
    """A coordinator table pointing into a shard would join across districts on every read."""
    owned = {m._meta.label for m in _district_owned()} - {"regions.Region"}
    breaking = sorted(
        f"{m._meta.label}.{f.name}"
        for m in _project_models()
        if m._meta.label in GLOBAL
        for f in m._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model._meta.label in owned
    )
    assert not breaking, breaking
