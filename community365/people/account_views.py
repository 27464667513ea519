"""Pages where district admins and community secretaries open accounts and grant or revoke
roles at the places they answer for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community365.core import permissions
from community365.core.errors import DomainError
from community365.core.roles import Role
from community365.regions.models import Department, Region, RegionKind
from community365.regions.policies import departments_visible_to, regions_visible_to

from . import policies, services
from .forms import AccountForm, GrantForm
from .models import RoleAssignment

ROLE_PLACES = [RegionKind.DISTRICT, RegionKind.SUBDISTRICT, RegionKind.COMMUNITY, RegionKind.COOPERATIVE]


def _require_granter(request: HttpRequest) -> None:
    if not (
        permissions.is_global(request.user)
        or permissions.scope_grants(request.user, policies.GRANT_ROLES.name)
    ):
        raise Http404


def _grant_places(request: HttpRequest) -> list[Region]:
    paths = permissions.scope_paths(request.user, policies.GRANT_ROLES.name)
    qs = regions_visible_to(request.user).filter(permissions.path_q(paths, "path"), kind__in=ROLE_PLACES)
    return list(qs.order_by("path"))


def _grantable(request: HttpRequest, places: list[Region]) -> set[str]:
    roles: set[str] = set()
    for place in places:
        roles |= policies.grantable_roles(request.user, place.path)
    return roles


def _place(request: HttpRequest, region_id: int) -> Region:
    region = next((r for r in _grant_places(request) if r.pk == region_id), None)
    if region is None:
        raise DomainError(_("您不能在该区域授予角色。"), field="region")
    return region


def _department(request: HttpRequest, department_id: int | None) -> Department | None:
    if not department_id:
        return None
    department = departments_visible_to(request.user).filter(pk=department_id).first()
    if department is None:
        raise DomainError(_("没有找到该部门。"), field="department")
    return department


@login_required
@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest) -> HttpResponse:
    _require_granter(request)
    places = _grant_places(request)
    roles = _grantable(request, places)
    departments = (
        list(departments_visible_to(request.user).order_by("name"))
        if Role.DEPARTMENT_LIAISON in roles
        else []
    )
    form = AccountForm(request.POST or None, regions=places, departments=departments, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_open(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                phone=data["phone"],
                password=data["password"],
                role=data["role"],
                region=_place(request, data["region"]),
                department=_department(request, data.get("department")),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("账号 %(u)s 已开通。") % {"u": data["username"]})
            return redirect("accounts")
    query = request.GET.get("q", "").strip()[:40]
    active = RoleAssignment.objects.filter(revoked_at__isnull=True).select_related("region", "department")
    users = policies.users_visible_to(request.user).prefetch_related(
        Prefetch("role_assignments", queryset=active, to_attr="active_roles")
    )
    if query:
        users = users.filter(Q(username__startswith=query) | Q(display_name__startswith=query))
    page = Paginator(users.order_by("username"), 30).get_page(request.GET.get("page"))
    from .selectors import locked_usernames

    locked = locked_usernames([u.username for u in page.object_list])
    return render(
        request,
        "people/accounts.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "places": places,
            "departments": departments,
            "role_choices": [(value, label) for value, label in Role.choices if value in roles],
            "locked": locked,
        },
    )


@login_required
@require_POST
def role_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_granter(request)
    user = policies.users_visible_to(request.user).filter(pk=user_id).first()
    if user is None:
        raise Http404
    form = GrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择角色和区域。"))
        return redirect("accounts")
    try:
        services.role_grant(
            actor=request.user,
            user=user,
            role=form.cleaned_data["role"],
            region=_place(request, form.cleaned_data["region"]),
            department=_department(request, form.cleaned_data["department"]),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已为 %(u)s 授予角色。") % {"u": user.username})
    return redirect("accounts")


@login_required
@require_POST
def role_revoke(request: HttpRequest, assignment_id: int) -> HttpResponse:
    _require_granter(request)
    assignment = (
        policies.role_assignments_visible_to(request.user)
        .select_related("region", "user")
        .filter(pk=assignment_id, revoked_at__isnull=True)
        .first()
    )
    if assignment is None or assignment.user_id == getattr(request.user, "pk", None):
        raise Http404
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("角色已撤销。"))
    return redirect("accounts")


@login_required
@require_POST
def account_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_granter(request)
    user = policies.users_visible_to(request.user).filter(pk=user_id).first()
    if user is None:
        raise Http404
    try:
        services.account_unlock(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账号 %(u)s 已解锁。") % {"u": user.username})
    return redirect("accounts")
