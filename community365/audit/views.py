from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community365.core.pagination import CappedPaginator

from .models import AuditResult
from .policies import can_view_audit
from .presenters import present
from .selectors import COUNT_CAP, audit_search


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise Http404
    actor = request.GET.get("actor", "")[:150]
    action = request.GET.get("action", "")[:80]
    result = request.GET.get("result", "")[:10]
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    filters = {"actor": actor, "action": action, "result": result, "since": since, "until": until}
    events = audit_search(request.user, actor=actor, action=action, result=result, since=since, until=until)
    page = CappedPaginator(events, 50, cap=COUNT_CAP).get_page(request.GET.get("page"))
    page.object_list = [present(request.user, event) for event in page.object_list]
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "filters": filters,
            "results": AuditResult.choices,
            "querystring": request.GET.urlencode(),
        },
    )
