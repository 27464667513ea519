from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .models import Notification


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(recipient_id=request.user.pk)[:100]
    return render(request, "notifications/inbox.html", {"notes": notes})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(actor=request.user)
    return redirect("inbox")
