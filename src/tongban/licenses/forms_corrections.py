"""Forms of the licence error-report pages. The services validate; these forms only collect input and
put the services' errors back next to the right field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import FindingStatus
from tongban.licenses.validators_corrections import (
    MAX_EVIDENCE_NOTE_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_VALUE_LENGTH,
    FieldChoice,
)
from tongban.utils.errors import DomainError, ValidationFailed

ACCEPT_EVIDENCE = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class ReportForm(forms.Form):
    """One "correct value" and one "why" input per reportable field, then the evidence.

    ``fields`` are the licence's reportable fields (``validators_corrections.reportable_fields``); the
    inputs are named ``value__<field>`` and ``note__<field>``. Empty rows are not reported.
    """

    evidence_note = forms.CharField(
        label=_("Evidence"),
        help_text=_("Which document shows the correct value (e.g. 户口簿, 营业执照正本)."),
        required=False,
        max_length=MAX_EVIDENCE_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file (optional)"),
        help_text=_("A PDF, JPG or PNG of at most 5 MB."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_EVIDENCE}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, choices: list[FieldChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for choice in choices:
            self.fields[f"value__{choice.name}"] = forms.CharField(
                label=_("Correct value of %(field)s") % {"field": choice.title},
                required=False,
                max_length=MAX_VALUE_LENGTH,
            )
            self.fields[f"note__{choice.name}"] = forms.CharField(
                label=_("Why %(field)s is wrong") % {"field": choice.title},
                required=False,
                max_length=MAX_NOTE_LENGTH,
            )

    def items(self) -> list[dict[str, str]]:
        """The rows the reporter filled in, in display order."""
        out = []
        for choice in self.choices:
            value = (self.cleaned_data.get(f"value__{choice.name}") or "").strip()
            note = (self.cleaned_data.get(f"note__{choice.name}") or "").strip()
            if value or note:
                out.append({"field": choice.name, "proposed": value, "note": note})
        return out

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"choice": c, "value": self[f"value__{c.name}"], "note": self[f"note__{c.name}"]}
            for c in self.choices
        ]

    def add_service_error(self, exc: DomainError, items: list[dict[str, str]]) -> None:
        """Put each of the service's errors next to its input (``items.<n>.<key>`` → the n-th row)."""
        errors = exc.errors if isinstance(exc, ValidationFailed) else [exc]
        for error in errors:
            target: str | None = None
            parts = (error.field or "").split(".")
            if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(items):
                key = "note" if parts[2] == "note" else "value"
                target = f"{key}__{items[int(parts[1])]['field']}"
            elif error.field in ("evidence_note", "evidence_file"):
                target = error.field
            self.add_error(target, f"{error.message}")


class WindowLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Licence number or identifier"),
        help_text=_("As printed on the licence, or the identifier under its QR code."),
        max_length=80,
    )
    holder_code = forms.CharField(
        label=_("Holder's ID number or credit code"),
        help_text=_("From the applicant's ID card or business licence, checked against the licence."),
        max_length=18,
        min_length=18,
    )


class DecisionForm(forms.Form):
    """One form for the three decisions; which button was pressed is ``action``."""

    action = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("reject", _("Reject")), ("correct", _("Correct"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason or note to the reporter"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FindingForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (FindingStatus.RESOLVED, _("Resolved")),
            (FindingStatus.DISMISSED, _("Not a problem")),
        ]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class StatsFilterForm(forms.Form):
    since = forms.DateField(
        label=_("Reports submitted since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
