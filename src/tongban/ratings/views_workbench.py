"""Staff pages of ratings (mounted at ``/workbench/ratings/``): the department's rectification inbox,
a rectification with its actions, appeals for supervisors, and the QR posters of service windows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

import segno

from tongban.accounts.request import principal_for
from tongban.organizations.models import ServiceWindow
from tongban.ratings import policies, presenters, query, validators
from tongban.ratings.constants import Action, Classification
from tongban.ratings.constants import RectificationStatus as S
from tongban.ratings.services import rectification as rect_service
from tongban.utils import authz
from tongban.utils.errors import DomainError, NotFound
from tongban.utils.urls import site_url
from tongban.workbench.access import staff_required

VIEW_LABELS = {
    "open": gettext_lazy("Open"),
    "overdue": gettext_lazy("Overdue"),
    "appealed": gettext_lazy("Appealed"),
    "escalated": gettext_lazy("Escalated"),
    "closed": gettext_lazy("Closed"),
    "all": gettext_lazy("All"),
}


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    view = request.GET.get("view", "open")
    if view not in query.VIEWS:
        raise NotFound()
    rows = [
        presenters.rectification_out(r, p) for r in query.rectifications_for(p, view=view)[: query.LIST_LIMIT]
    ]
    context = {
        "rows": rows,
        "view": view,
        "views": [(v, str(VIEW_LABELS[v])) for v in query.VIEWS],
        "supervisor": policies.is_supervisor(p),
    }
    return render(request, "ratings/workbench/inbox.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, rect_id: int) -> HttpResponse:
    p = principal_for(request)
    rect = query.rectification_for(p, rect_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            rect_service.act(p, rect, action, **validators.action_input(action, request.POST))
        except DomainError as exc:
            messages.error(request, f"{exc.message} [{exc.code}]")
        else:
            messages.success(request, _("Recorded."))
        return redirect("ratings_workbench:detail", rect.pk)
    # Forms offered: what the viewer may do and the state allows (the service checks both again).
    states = {
        Action.CLAIM: {S.OPEN, S.VERIFIED, S.RECTIFYING},
        Action.CALLBACK: {S.OPEN, S.VERIFIED, S.RECTIFYING},
        Action.CLASSIFY: {S.VERIFIED, S.RECTIFYING},
        Action.RESPOND: {S.RECTIFYING},
        Action.APPEAL: {S.OPEN, S.VERIFIED, S.RECTIFYING, S.RESPONDED} if not rect.appeal_status else set(),
        Action.DECIDE_APPEAL: {S.APPEALED},
        Action.CLOSE: {S.ESCALATED},
    }
    context = {
        "r": presenters.rectification_out(rect, p),
        "may": {a: rect.status in allowed and authz.can(p, a, rect) for a, allowed in states.items()},
        "classifications": Classification.choices,
    }
    return render(request, "ratings/workbench/detail.html", context)


def _windows(request: HttpRequest) -> list[ServiceWindow]:
    p = principal_for(request)
    qs = ServiceWindow.objects.select_related("department", "district")
    if not policies.sees_all(p):
        dept = p.department_id
        qs = qs.filter(department_id=dept) if dept is not None else qs.none()
    return list(qs)


@staff_required
def windows(request: HttpRequest) -> HttpResponse:
    return render(request, "ratings/workbench/windows.html", {"windows": _windows(request)})


@staff_required
def window_qr(request: HttpRequest, code: str) -> HttpResponse:
    """A printable poster with the window's QR code (一次一评); the code links to the rating page."""
    window = next((w for w in _windows(request) if w.code == code), None)
    if window is None:
        raise NotFound()
    url = site_url(reverse("ratings:window", args=[window.code]))
    qr = segno.make(url, error="m").svg_data_uri(scale=8, border=2)
    return render(request, "ratings/workbench/window_qr.html", {"window": window, "url": url, "qr": qr})
