"""Writes about people: accounts, roles, API tokens, resident records and their verification."""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_build, audit_record, audit_record_many, service
from community365.core import permissions
from community365.core.errors import Conflict, InvalidInput, NotAllowed
from community365.core.roles import BACK_OFFICE_ROLES, ROLE_PLACE_KINDS, Role
from community365.regions.models import COMMUNITY_KINDS, Department, Household, Region

from . import identity, policies, token_cache
from .models import ApiToken, Gender, Person, RoleAssignment, User, token_lifetime

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
TOKEN_PREFIX = "c365_"  # noqa: S105 (a marker, not a secret)


def _require_global_or(actor: Any, perm: str, path: str) -> str:
    if permissions.is_global(actor):
        return permissions.acting_role(actor, perm, path)
    return permissions.require_at(actor, perm, path)


def _clean_phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput(_("手机号码格式不正确（11 位，以 1 开头）。"), field="phone")
    return phone


# --- Accounts -------------------------------------------------------------------------------


@service("people.user:create")
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    district: Region | None = None,
    place: Region | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a login. ``password=None`` makes an account that cannot sign in until a password
    is set (staff records); ``password_hash`` lets the demo reuse one hash for its personas.
    District admins create accounts anywhere in their district; whoever may grant roles at a
    ``place`` (a community secretary in their community) creates accounts there."""
    if place is not None:
        role = _require_global_or(actor, policies.GRANT_ROLES.name, place.path)
        district = Region.objects.get(pk=place.district_id or place.pk)
    elif district is not None:
        role = _require_global_or(actor, policies.MANAGE_USERS.name, district.path)
    elif permissions.is_global(actor):
        role = permissions.acting_role(actor, policies.MANAGE_USERS.name, "")
    else:
        raise NotAllowed(_("创建账号需指定所属区。"))
    if not USERNAME_RE.match(username or ""):
        raise InvalidInput(_("用户名须为 3–40 位字母、数字或 _ . -。"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("用户名 %(u)s 已被使用。") % {"u": username}, field="username")
    user = User(username=username, display_name=(display_name or "").strip()[:60], phone=_clean_phone(phone))
    if password_hash:
        user.password = password_hash
    elif password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages), field="password") from None
        user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="people.user:create",
        target=user,
        role=role,
        district_id=district.pk if district is not None else None,
    )
    return user


@service("people.user:set_password")
def user_set_password(*, actor: Any, user: User, new_password: str) -> User:
    if not permissions.is_global(actor) and getattr(actor, "pk", None) != user.pk:
        raise NotAllowed(_("只能修改自己的密码。"))
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="new_password") from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="people.user:set_password", target=user)
    return user


# --- Roles on places ------------------------------------------------------------------------


@service("people.role:grant")
def role_grant(
    *, actor: Any, user: User, role: str, region: Region, department: Department | None = None
) -> RoleAssignment:
    if role not in Role.values:
        raise InvalidInput(_("未知的角色。"), field="role")
    if region.kind not in ROLE_PLACE_KINDS[role]:
        raise InvalidInput(
            _("“%(role)s”不能设在“%(kind)s”一级。")
            % {"role": Role(role).label, "kind": region.get_kind_display()},
            field="region",
        )
    if (role == Role.DEPARTMENT_LIAISON) != (department is not None):
        raise InvalidInput(_("职能部门联络员须指定部门，其他角色不指定部门。"), field="department")
    if department is not None and department.district_id != (region.district_id or region.pk):
        raise InvalidInput(_("部门不属于该区。"), field="department")
    acted_as = permissions.acting_role(actor, policies.GRANT_ROLES.name, region.path)
    if not acted_as or role not in policies.grantable_roles(actor, region.path):
        raise NotAllowed(_("您不能在此处授予该角色。"))
    try:
        assignment = RoleAssignment.objects.create(
            user=user,
            role=role,
            region=region,
            district_id=region.district_id or region.pk,
            department=department,
        )
    except IntegrityError:
        raise Conflict(_("该账号已在此处拥有这一角色。"), field="role") from None
    if role in BACK_OFFICE_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    permissions.forget_grants(user)
    audit_record(
        actor=actor,
        action="people.role:grant",
        target=assignment,
        role=acted_as,
        district_id=assignment.district_id,
        changes={"user": user.username, "role": role, "region": region.name},
    )
    return assignment


@service("people.role:revoke")
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    acted_as = permissions.acting_role(actor, policies.GRANT_ROLES.name, assignment.region.path)
    if not acted_as or assignment.role not in policies.grantable_roles(actor, assignment.region.path):
        raise NotAllowed(_("您不能撤销该角色。"))
    if assignment.revoked_at is not None:
        raise Conflict(_("该角色已被撤销。"))
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    user = assignment.user
    still_back_office = RoleAssignment.objects.filter(
        user=user, revoked_at__isnull=True, role__in=BACK_OFFICE_ROLES
    ).exists()
    if user.is_staff and not still_back_office and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    permissions.forget_grants(user)
    audit_record(
        actor=actor,
        action="people.role:revoke",
        target=assignment,
        role=acted_as,
        district_id=assignment.district_id,
    )
    return assignment


# --- API tokens -----------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@service("people.token:issue")
def token_issue(*, actor: User, name: str = "") -> tuple[str, ApiToken]:
    """Issue a bearer token for the signed-in ``actor``. The clear token is returned once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=actor,
        name=(name or "api")[:60],
        prefix=token[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(token),
        expires_at=timezone.now() + token_lifetime(),
    )
    audit_record(actor=actor, action="people.token:issue", target=record, object_repr=f"{record.prefix}…")
    return token, record


@service("people.token:revoke")
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if not permissions.is_global(actor) and token.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("只能撤销自己的令牌。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="people.token:revoke", target=token, object_repr=f"{token.prefix}…")
    return token


def token_user(raw: str, *, read_only: bool = False) -> User | None:
    """The active user behind a bearer token, or None (unknown, malformed, revoked, expired).

    ``read_only`` (a GET, HEAD or OPTIONS): what the same token opened a few seconds ago in this
    process may answer instead of the database (``token_cache``: the window, the rules)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    key_hash = hash_token(raw)
    if read_only and (entry := token_cache.get(key_hash)) is not None:
        user = User.from_db("default", entry.field_names, entry.values)
        permissions.remember_grants(user, entry.grants)
        return user
    # Every API request runs this: one statement, written once per process, reads the user and
    # the roles they hold (the request's permission facts; building the join through the ORM
    # cost several times what the database needs to answer it). The token rule is
    # ApiToken.is_usable's: not revoked and not expired; and the user must be active.
    from django.db import connection

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = list(User.objects.raw(_token_user_sql(), [key_hash, now, True]))
    if not rows:
        return None
    user = rows[0]
    grants = tuple(tuple(getattr(r, f"g_{c}") for c in permissions.GRANT_FIELDS) for r in rows)
    permissions.remember_grants(user, grants)
    if token_cache.seconds() > 0:
        fields = tuple(f.attname for f in User._meta.concrete_fields)
        token_cache.put(
            key_hash,
            token_cache.Entry(
                until=token_cache.until_for(_as_datetime(getattr(user, "t_expires_at")).timestamp()),  # noqa: B009 (a column of the raw query)
                field_names=fields,
                values=tuple(getattr(user, name) for name in fields),
                grants=grants,
            ),
        )
    return user


def _as_datetime(value: Any) -> Any:
    """A timestamp from a raw query: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, datetime.UTC)
        return parsed
    return value


@functools.cache
def _token_user_sql() -> str:
    from django.db import connection

    q = connection.ops.quote_name
    return (  # names from the models' metadata, every value a parameter
        f"SELECT u.*, t.expires_at AS t_expires_at, {permissions.grant_columns()}"  # noqa: S608
        f" FROM {q(User._meta.db_table)} u JOIN {q(ApiToken._meta.db_table)} t ON t.user_id = u.id"
        f" {permissions.grant_joins('u')}"
        f" WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active = %s"
        f" ORDER BY a.id"
    )


# --- Resident records -----------------------------------------------------------------------


def _community_of(region: Region) -> Region:
    if region.kind in COMMUNITY_KINDS:
        return region
    community = (
        Region.objects.filter(kind__in=COMMUNITY_KINDS, depth__lt=region.depth)
        .filter(path__in=[region.path[: i * Region.steplen] for i in range(1, region.depth)])
        .first()
    )
    if community is None:
        raise InvalidInput(_("该位置不在任何社区之下。"), field="region")
    return community


def _person_build(
    *,
    actor: Any,
    name: str,
    community: Region | None,
    household: Household | None,
    gender: str,
    birth_year: int | None,
    phone: str,
    id_number: str,
    is_elderly: bool,
    is_disabled: bool,
    is_migrant_worker: bool,
    in_difficulty: bool,
    lives_alone: bool,
    communities: dict[int, Region] | None = None,
) -> tuple[Person, str]:
    """Validate one resident record and build it (unsaved) with the role acted in: shared by
    ``person_register`` and the bulk path ``persons_register_bulk``."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("姓名须为 1–60 个字。"), field="name")
    if household is None and community is None:
        raise InvalidInput(_("须指定社区或户。"), field="community")
    region = household.region if household is not None else community
    assert region is not None
    if communities is not None and region.pk in communities:
        community = communities[region.pk]
    else:
        community = _community_of(region)
        if communities is not None:
            communities[region.pk] = community
    if gender not in Gender.values:
        raise InvalidInput(_("性别取值不正确。"), field="gender")
    this_year = timezone.localdate().year
    if birth_year is not None and not (this_year - 120 <= birth_year <= this_year):
        raise InvalidInput(_("出生年份不合理。"), field="birth_year")
    role = _require_global_or(actor, policies.MANAGE.name, region.path)
    hashed, last4 = None, ""
    if id_number:
        number = identity.normalise_id_number(id_number)
        hashed, last4 = identity.id_hash(number), number[-4:]
        if Person.objects.filter(district_id=region.district_id, id_hash=hashed).exists():
            raise Conflict(_("该身份证号码的居民已登记。"), field="id_number")
    person = Person(
        district_id=region.district_id,
        region=region,
        community=community,
        household=household,
        name=name,
        gender=gender,
        birth_year=birth_year,
        phone=_clean_phone(phone),
        id_hash=hashed,
        id_last4=last4,
        is_elderly=is_elderly,
        is_disabled=is_disabled,
        is_migrant_worker=is_migrant_worker,
        in_difficulty=in_difficulty,
        lives_alone=lives_alone,
    )
    return person, role


@service("people.person:register")
def person_register(
    *,
    actor: Any,
    name: str,
    community: Region | None = None,
    household: Household | None = None,
    gender: str = Gender.UNKNOWN,
    birth_year: int | None = None,
    phone: str = "",
    id_number: str = "",
    is_elderly: bool = False,
    is_disabled: bool = False,
    is_migrant_worker: bool = False,
    in_difficulty: bool = False,
    lives_alone: bool = False,
) -> Person:
    """Register a resident in a household (or directly in a community if the household is not
    yet known). A person already on record under the same ID number is refused, not doubled."""
    person, role = _person_build(
        actor=actor,
        name=name,
        community=community,
        household=household,
        gender=gender,
        birth_year=birth_year,
        phone=phone,
        id_number=id_number,
        is_elderly=is_elderly,
        is_disabled=is_disabled,
        is_migrant_worker=is_migrant_worker,
        in_difficulty=in_difficulty,
        lives_alone=lives_alone,
    )
    try:
        person.save(force_insert=True)
    except IntegrityError:
        raise Conflict(_("该身份证号码的居民已登记。"), field="id_number") from None
    audit_record(actor=actor, action="people.person:register", target=person, role=role)
    return person


@service("people.person:register_bulk")
def persons_register_bulk(
    *, actor: Any, records: list[dict[str, Any]], verify: list[bool] | None = None, batch_size: int = 2000
) -> list[Person]:
    """The bulk path of ``person_register`` (and ``person_verify_residence``) for loading many
    residents at once (the full-size demo, an import): every record goes through the same
    validation and permission check, the rows are inserted in batches, and the same audit rows
    are written, one per registration and one per verification. ``records`` hold
    ``person_register``'s keyword arguments (without ``actor``). All or nothing: a refused
    record refuses the whole call. ID numbers must also be unique within the call."""
    communities: dict[int, Region] = {}
    built: list[tuple[Person, str]] = []
    seen: set[str] = set()
    for record in records:
        fields: dict[str, Any] = {
            "community": None,
            "household": None,
            "gender": Gender.UNKNOWN,
            "birth_year": None,
            "phone": "",
            "id_number": "",
            "is_elderly": False,
            "is_disabled": False,
            "is_migrant_worker": False,
            "in_difficulty": False,
            "lives_alone": False,
            **record,
        }
        person, role = _person_build(actor=actor, communities=communities, **fields)
        if person.id_hash:
            if person.id_hash in seen:
                raise Conflict(_("该身份证号码的居民已登记。"), field="id_number")
            seen.add(person.id_hash)
        built.append((person, role))
    verify = verify or [False] * len(built)
    if len(verify) != len(built):
        raise InvalidInput("verify must have one flag per record", field="verify")
    at = timezone.now()
    verifier = actor if isinstance(actor, User) else None
    verify_roles: dict[str, str] = {}
    for (person, _role), flag in zip(built, verify, strict=True):
        if flag:
            path = person.region.path
            if path not in verify_roles:
                verify_roles[path] = _require_global_or(actor, policies.VERIFY.name, path)
            person.verified_at = at
            person.verified_by = verifier
    try:
        Person.objects.bulk_create([p for p, _r in built], batch_size=batch_size)
    except IntegrityError:
        raise Conflict(_("该身份证号码的居民已登记。"), field="id_number") from None
    events = [audit_build(actor=actor, action="people.person:register", target=p, role=r) for p, r in built]
    events += [
        audit_build(actor=actor, action="people.person:verify", target=p, role=verify_roles[p.region.path])
        for (p, _r), flag in zip(built, verify, strict=True)
        if flag
    ]
    audit_record_many(events, batch_size=batch_size)
    return [p for p, _r in built]


@service("people.person:verify")
def person_verify_residence(*, actor: Any, person: Person) -> Person:
    """A social worker of the community confirms the person lives there (needed to co-sign)."""
    role = _require_global_or(actor, policies.VERIFY.name, person.region.path)
    if person.verified_at is not None:
        raise Conflict(_("该居民已核实。"))
    person.verified_at = timezone.now()
    person.verified_by = actor if isinstance(actor, User) else None
    person.save(update_fields=["verified_at", "verified_by"])
    audit_record(actor=actor, action="people.person:verify", target=person, role=role)
    return person


@service("people.person:link_user")
def person_link_user(*, actor: Any, person: Person, user: User) -> Person:
    role = _require_global_or(actor, policies.MANAGE.name, person.region.path)
    if person.user_id is not None and person.user_id != user.pk:
        raise Conflict(_("该居民已关联其他账号。"))
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise Conflict(_("该账号已关联其他居民。"))
    person.user = user
    person.save(update_fields=["user"])
    audit_record(actor=actor, action="people.person:link_user", target=person, role=role)
    return person


@service("people.account:open")
def account_open(
    *,
    actor: Any,
    username: str,
    display_name: str,
    password: str,
    role: str,
    region: Region,
    phone: str = "",
    department: Department | None = None,
) -> RoleAssignment:
    """Open an account holding one role at one place: both or neither."""
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        display_name=display_name,
        phone=phone,
        place=region,
    )
    return role_grant(actor=actor, user=user, role=role, region=region, department=department)


# --- Sign-in lock-out -------------------------------------------------------------------------


@service("people.user:unlock")
def account_unlock(*, actor: Any, user: User) -> int:
    """Lift the lock-out of ``user`` (every address); returns the number of lock records cleared.
    A community secretary unlocks accounts of their community, the district admin any in the
    district. Does not lift an address's spraying throttle (that is about the address)."""
    from axes.utils import reset

    from community365.audit.services import actor_district_id

    role = policies.unlock_role(actor, user)
    if not role:
        raise NotAllowed(_("您不能解锁这个账号。"))
    cleared = reset(username=user.username)
    audit_record(
        actor=actor,
        action="people.user:unlock",
        target=user,
        role=role,
        changes={"cleared": cleared},
        district_id=actor_district_id(user),
    )
    return cleared
