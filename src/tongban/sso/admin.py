"""Administrators register department systems as single sign-on clients here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from oauth2_provider.forms import ApplicationForm

from tongban.sso.models import Client
from tongban.sso.scopes import OPENID, SCOPES, scope_choices


class ClientForm(ApplicationForm):
    """django-oauth-toolkit's form (secret shown once before it is hashed) with a scope picker."""

    allowed_scopes = forms.MultipleChoiceField(
        label=_("allowed scopes"),
        choices=scope_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The scopes this system may ever be granted; “openid” is always allowed."),
    )

    class Meta:
        model = Client
        fields = "__all__"

    def clean_allowed_scopes(self) -> list[str]:
        chosen = set(self.cleaned_data.get("allowed_scopes") or [])
        chosen.add(OPENID)
        return [scope for scope in SCOPES if scope in chosen]


# django-oauth-toolkit registers its own admin for whichever model is the application model.
if admin.site.is_registered(Client):
    admin.site.unregister(Client)


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    form = ClientForm
    list_display = ("name", "client_id", "department", "is_trusted", "scopes_display", "client_type")
    list_filter = ("is_trusted", "client_type", "department")
    search_fields = ("name", "client_id", "department__name")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)
    raw_id_fields = ("user",)
    readonly_fields = ("registration_source", "created", "updated")
    view_on_site = False  # the model's get_absolute_url points at django-oauth-toolkit pages we do not mount
    fieldsets = (
        (None, {"fields": ("name", "department", "is_trusted", "allowed_scopes")}),
        (
            _("Credentials"),
            {"fields": ("client_id", "client_type", "client_secret")},
        ),
        (
            _("Redirects"),
            {"fields": ("redirect_uris", "post_logout_redirect_uris", "allowed_origins")},
        ),
        (
            _("Protocol"),
            {
                "classes": ("collapse",),
                "fields": ("authorization_grant_type", "algorithm", "user", "registration_source"),
            },
        ),
        (_("History"), {"classes": ("collapse",), "fields": ("created", "updated")}),
    )

    @admin.display(description=_("allowed scopes"))
    def scopes_display(self, obj: Client) -> str:
        return " ".join(obj.allowed_scopes or [])

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("allowed_scopes", [OPENID, "profile"])
        return initial
