from __future__ import annotations

import datetime
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from community365.core.api import ErrorOut, Id, PageParams, paginate
from community365.core.choices import label
from community365.core.context import signed_in_user
from community365.core.errors import DomainError, Unauthenticated

from . import policies, selectors, services
from .models import RoleAssignment

auth_router = Router(tags=["auth"])
router = Router(tags=["people"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    name: str = Field("", max_length=60, description="what the token is for")


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


class AccountLocked(DomainError):
    status = 429
    code = "account_locked"


@auth_router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def issue_token(request: HttpRequest, payload: TokenIn) -> Any:
    """Exchange a user name and password for a bearer token (shown once, hashed at rest)."""
    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except AxesBackendPermissionDenied:
        user = None
    if getattr(request, "axes_locked_out", False):
        # Answered here, as JSON; otherwise AxesMiddleware swaps in its HTML lockout page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        if getattr(request, "c365_address_throttled", False):
            raise AccountLocked(
                _("这个网络地址登录失败的次数过多，请 10 分钟后再试。"), code="address_throttled"
            )
        raise AccountLocked(_("登录失败次数过多，账号已锁定 30 分钟。"))
    if user is None or not user.is_active:
        raise Unauthenticated(_("用户名或密码不正确。"))
    token, record = services.token_issue(actor=user, name=payload.name)
    # A sign-in by password like the login page's: resets the failure count (AXES_RESET_ON_SUCCESS),
    # sets last_login and is audited.
    user_logged_in.send(sender=type(user), request=request, user=user)
    return {"token": token, "expires_at": record.expires_at}


@auth_router.delete("/token", response={204: None, 401: ErrorOut})
def revoke_token(request: HttpRequest) -> Any:
    """Revoke the bearer token this request was made with."""
    from community365.people.models import ApiToken

    header = request.headers.get("Authorization", "")
    raw = header.split(" ", 1)[1].strip() if header.lower().startswith("bearer ") else ""
    record = (
        ApiToken.objects.filter(key_hash=services.hash_token(raw), user=signed_in_user(request)).first()
        if raw
        else None
    )
    if record is None:
        raise Unauthenticated(_("只能用令牌本身撤销令牌。"))
    services.token_revoke(actor=signed_in_user(request), token=record)
    return Status(204, None)


class RoleOut(Schema):
    role: str
    role_label: str
    region_id: int
    region_name: str
    region_kind: str
    department: str | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    """The signed-in user and the roles they hold, with their places."""
    user = signed_in_user(request)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": [
            {
                "role": g.role,
                "role_label": label(RoleAssignment, "role", g.role),
                "region_id": g.region_id,
                "region_name": g.region_name,
                "region_kind": g.region_kind,
                "department": g.department_name,
            }
            for g in selectors.grants_by_place(user)
        ],
    }


class PersonOut(Schema):
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


class PersonPage(Schema):
    items: list[PersonOut]
    count: int


class PersonFilter(Schema):
    q: str = Field("", max_length=40, description="name prefix, household number, or last 4+ phone digits")
    region: Id | None = Field(None, ge=1, description="only residents under this region")


@router.get("/people/persons", response=PersonPage)
def list_persons(request: HttpRequest, filters: Query[PersonFilter], page: Query[PageParams]) -> Any:
    """Residents the user may see; names and phones masked unless the role needs them."""
    from community365.regions.policies import get_visible_region

    region = get_visible_region(request.user, filters.region) if filters.region else None
    persons, count = paginate(selectors.person_search(request.user, filters.q, region), page)
    return {"items": selectors.person_rows(request.user, persons), "count": count}


@router.get("/people/persons/{person_id}", response={200: PersonOut, 404: ErrorOut})
def get_person(request: HttpRequest, person_id: Id) -> Any:
    person = policies.get_visible_person(request.user, person_id)
    return selectors.person_rows(request.user, [person])[0]


class UnlockOut(Schema):
    username: str
    cleared: int


@router.post("/people/users/{user_id}/unlock", response={200: UnlockOut, 404: ErrorOut, 422: ErrorOut})
def unlock_user(request: HttpRequest, user_id: int = Path(..., ge=1, le=2**62)) -> Any:
    """Lift the sign-in lock-out of an account (community secretary: their community's accounts;
    district admin: the district's). Audited."""
    user = policies.users_visible_to(request.user).filter(pk=user_id).first()
    if user is None:
        raise Http404
    cleared = services.account_unlock(actor=signed_in_user(request), user=user)
    return {"username": user.username, "cleared": cleared}
