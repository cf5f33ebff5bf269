"""The staff workbench (总操作台) shell: who I am, my department, applicant look-up."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.accounts import query as account_query
from tongban.accounts import services
from tongban.accounts.policies import may_look_up_people
from tongban.accounts.request import principal_for
from tongban.utils import authz
from tongban.utils.errors import DomainError
from tongban.workbench.access import staff_required
from tongban.workbench.forms import PersonLookupForm


@staff_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    form = PersonLookupForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.find_person_by_id_number(form.cleaned_data["id_number"])
            if person is None or not authz.can_see(p, person):
                form.add_error("id_number", _("No registered person has this ID number."))
            else:
                authz.authorize(p, "view", person)
                services.record_personal_data_access(
                    principal=p, person=person, purpose=form.cleaned_data["purpose"]
                )
                found = person
        except DomainError as exc:
            form.add_error("id_number", f"{exc.message} [{exc.code}]")
    context: dict[str, Any] = {
        "staff": p.staff,
        "roles": sorted(p.roles),
        "colleagues": account_query.colleagues(p)[:50],
        "lookup_form": form,
        "found": found,
        "may_lookup": may_look_up_people(p),
    }
    return render(request, "workbench/home.html", context)
