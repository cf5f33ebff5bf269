"""Public portal pages and the citizen's account centre (个人中心)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.accounts import query as account_query
from tongban.accounts import services
from tongban.accounts.constants import API_SCOPES
from tongban.accounts.forms import MobileForm, TokenForm
from tongban.accounts.models import AccessToken, LegalPerson, NaturalPerson, Representation
from tongban.accounts.request import principal_for, set_acting_for
from tongban.audits import query as audit_query
from tongban.notifications import query as notification_query
from tongban.notifications import services as notification_services
from tongban.notifications.messages import render as render_message
from tongban.utils import authz
from tongban.utils.errors import DomainError
from tongban.utils.middleware import DisplayPreferencesMiddleware


@require_POST
def toggle_large_text(request: HttpRequest) -> HttpResponse:
    """适老化/大字版: a cookie, so it also works before signing in. Works without JavaScript."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = redirect(target)
    if getattr(request, "large_text", False):
        response.delete_cookie(DisplayPreferencesMiddleware.COOKIE)
    else:
        response.set_cookie(
            DisplayPreferencesMiddleware.COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


def _citizen_only(request: HttpRequest) -> NaturalPerson | None:
    return NaturalPerson.objects.filter(user_id=request.user.pk or 0).first()


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    if p.is_staff_member:
        return redirect("workbench:home")
    person = _citizen_only(request)
    form = MobileForm(request.POST or None)
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            authz.authorize(p, "change", person)
            services.update_mobile(principal=p, person=person, mobile=form.cleaned_data["mobile"])
        except DomainError as exc:
            form.add_error("mobile", f"{exc.message} [{exc.code}]")
        else:
            messages.success(request, _("Your mobile number was updated."))
            return redirect("portal:me")
    context: dict[str, Any] = {
        "person": person,
        "mobile_form": form,
        "representations": account_query.my_representations(p),
        "principal": p,
    }
    return render(request, "portal/me.html", context)


@login_required
@require_POST
def acting_for(request: HttpRequest) -> HttpResponse:
    """Switch between acting as oneself and acting for a legal person one represents."""
    p = principal_for(request)
    uscc = request.POST.get("uscc", "").strip().upper()
    if not uscc:
        set_acting_for(request, None)
        messages.info(request, _("You now act for yourself."))
        return redirect("portal:me")
    legal = authz.get_or_404(p, LegalPerson.objects.all(), uscc=uscc)
    try:
        rep = services.select_acting_for(principal=p, legal_person=legal)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:me")
    set_acting_for(request, rep.legal_person)
    messages.success(request, _("You now act for %(name)s.") % {"name": legal.name})
    return redirect("portal:me")


@login_required
@require_GET
def data_access_log(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    page = Paginator(audit_query.access_to_my_data(p), 20).get_page(request.GET.get("page"))
    return render(request, "portal/access_log.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    allowed = {k: v for k, v in API_SCOPES.items() if k != "workbench" or p.is_staff_member}
    form = TokenForm(request.POST or None)
    form.fields["scopes"].choices = [(k, f"{k} — {v}") for k, v in allowed.items()]  # type: ignore[attr-defined]
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = services.issue_token(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                principal=p,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, f"{exc.message} [{exc.code}]")
    context = {"form": form, "tokens": account_query.tokens_of(p), "created": created}
    return render(request, "portal/tokens.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    p = principal_for(request)
    token = authz.get_or_404(p, AccessToken.objects.all(), pk=token_id)
    authz.authorize(p, "revoke", token)
    services.revoke_token(principal=p, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("portal:tokens")


@login_required
@require_POST
def revoke_representation(request: HttpRequest, rep_id: int) -> HttpResponse:
    p = principal_for(request)
    rep = authz.get_or_404(p, Representation.objects.select_related("legal_person"), pk=rep_id)
    authz.authorize(p, "revoke", rep)
    services.revoke_representation(principal=p, representation=rep)
    messages.success(request, _("The authorisation was revoked."))
    return redirect("portal:me")


@login_required
@require_GET
def messages_inbox(request: HttpRequest) -> HttpResponse:
    """消息中心: security notices and, later, case updates."""
    p = principal_for(request)
    page = Paginator(notification_query.inbox(p), 20).get_page(request.GET.get("page"))
    items = [(note, *render_message(note.template, note.params)) for note in page]
    return render(request, "portal/messages.html", {"page": page, "items": items})


@login_required
@require_POST
def mark_message_read(request: HttpRequest, note_id: int) -> HttpResponse:
    p = principal_for(request)
    note = authz.get_or_404(p, notification_query.inbox(p), pk=note_id)
    authz.authorize(p, "mark_read", note)
    notification_services.mark_read(notification=note)
    return redirect("portal:messages")
