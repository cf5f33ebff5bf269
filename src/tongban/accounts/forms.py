from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username or ID number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OTPForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits shown in your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "maxlength": 6}
        ),
    )


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple, choices=())


class RegisterForm(forms.Form):
    real_name = forms.CharField(label=_("Name as on the ID card"), max_length=50)
    id_number = forms.CharField(
        label=_("Resident ID number"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[A-Za-z][A-Za-z0-9_.-]{3,29}$",
        error_messages={
            "invalid": _("4-30 letters, digits, dots, dashes or underscores, starting with a letter.")
        },
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        from django.contrib.auth.password_validation import validate_password

        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        elif data.get("password"):
            try:
                validate_password(str(data["password"]))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
