"""Reads about people: resident search and the rows shown for them, masked by policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from community365.core import permissions
from community365.core.masking import mask_name, mask_phone

from . import policies
from .models import Person, RoleAssignment, User


@dataclass(frozen=True)
class PersonRow:
    """What a list, page, API item or export shows of a person, already masked as needed."""

    id: int
    name: str
    phone: str
    community: str
    household: str
    birth_year: int | None
    gender: str
    tags: list[str]
    verified: bool
    id_last4: str
    masked: bool


def person_rows(user: Any, persons: list[Person]) -> list[PersonRow]:
    contact = policies.contact_paths(user)
    rows = []
    for person in persons:
        full = (
            contact is None
            or any(person.region.path.startswith(p) for p in contact)
            or (person.user_id is not None and person.user_id == getattr(user, "pk", None))
        )
        rows.append(
            PersonRow(
                id=person.pk,
                name=person.name if full else mask_name(person.name),
                phone=person.phone if full else mask_phone(person.phone),
                community=person.community.name,
                household=person.household.number if person.household is not None else "",
                birth_year=person.birth_year,
                gender=person.get_gender_display(),
                tags=person.tags,
                verified=person.is_verified,
                id_last4=person.id_last4 if full else "",
                masked=not full,
            )
        )
    return rows


def person_search(user: Any, query: str = "", region: Any = None) -> QuerySet[Person]:
    """Residents visible to the user matching a name, the last digits of a phone number or a
    household number. Staff type what they know; what they see back is masked by policy."""
    qs = policies.persons_listed_for(user).select_related("community", "household", "region")
    query = (query or "").strip()[:40]
    if query:
        condition = Q(name__startswith=query) | Q(household__number__startswith=query)
        if query.isdigit() and len(query) >= 4:
            condition |= Q(phone__endswith=query)
        qs = qs.filter(condition)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    # By community, household, then registration: columns of the person row itself (an index,
    # person_search_order), not the joined paths and house numbers, so that a page costs the
    # same however many residents match.
    return qs.order_by("community_id", "household_id", "id")


def grants_by_place(user: User) -> list[permissions.Grant]:
    """The roles the user holds, by place then role: the request's grants (read once per
    request, with the places' names), in the order of ``roles_of``."""
    return sorted(permissions.grants_of(user), key=lambda g: (g.path, g.role))


def roles_of(user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("region", "department")
        .order_by("region__path", "role")
    )


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these user names are locked out now (from any address), in one query."""
    import datetime

    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )
