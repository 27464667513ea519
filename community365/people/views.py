from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community365.core import permissions
from community365.core.context import signed_in_user
from community365.core.errors import DomainError, NotFound
from community365.core.pagination import CappedPaginator
from community365.regions.policies import get_visible_region

from . import policies, selectors, services
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def resident_search(request: HttpRequest) -> HttpResponse:
    """Staff find a resident by name, household number or the last digits of a phone number."""
    if not (
        permissions.is_global(request.user) or permissions.scope_grants(request.user, policies.VIEW.name)
    ):
        raise Http404
    query = request.GET.get("q", "")[:40]
    region = None
    region_param = request.GET.get("region", "")
    if region_param:
        try:
            region = get_visible_region(request.user, int(region_param))
        except (ValueError, NotFound):
            raise Http404 from None
    paginator = CappedPaginator(selectors.person_search(request.user, query, region), 25)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.person_rows(request.user, list(page.object_list))
    template = (
        "people/_resident_rows.html" if request.headers.get("HX-Request") else "people/resident_search.html"
    )
    return render(request, template, {"rows": rows, "page": page, "query": query, "region": region})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: roles, password, API tokens."""
    user = signed_in_user(request)
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "password":
                if not user.check_password(request.POST.get("old_password", "")):
                    messages.error(request, _("原密码不正确。"))
                    return redirect("account")
                services.user_set_password(
                    actor=user, user=user, new_password=request.POST.get("new_password", "")
                )
                update_session_auth_hash(request, user)
                messages.success(request, _("密码已修改。"))
                return redirect("account")
            if action == "token":
                new_token, _record = services.token_issue(actor=user, name=request.POST.get("name", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("account")
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")[:20]
    return render(
        request,
        "people/account.html",
        {"roles": selectors.roles_of(user), "tokens": tokens, "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = signed_in_user(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=user, token=token)
    messages.success(request, _("令牌已撤销。"))
    return redirect("account")
