"""Message templates: code → subject and body. Params hold no personal data beyond the recipient's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MessageTemplate:
    subject: str | Promise
    body: str | Promise


TEMPLATES: dict[str, MessageTemplate] = {
    "security.account_locked": MessageTemplate(
        _("Your account was locked"),
        _(
            "There were %(failures)s failed sign-in attempts on your account, so it is locked for "
            "%(minutes)s minutes. If this was not you, change your password after it unlocks."
        ),
    ),
    "security.token_issued": MessageTemplate(
        _("A new API access token was created"),
        _(
            "An access token named “%(name)s” (%(prefix)s…) was created for your account, "
            "valid %(days)s days."
        ),
    ),
    "representation.granted": MessageTemplate(
        _("You may now act for %(legal_person)s"),
        _("You were authorised as agent for %(legal_person)s until %(expires)s, for: %(scopes)s."),
    ),
    "representation.revoked": MessageTemplate(
        _("Your authorisation for %(legal_person)s ended"),
        _("Your authorisation to act for %(legal_person)s was revoked."),
    ),
    # Licence error reports (证照纠错). Params: reference, license_type, department, due_on, version,
    # reason; never a face value.
    "license.correction_submitted": MessageTemplate(
        _("Your licence error report %(reference)s was received"),
        _("Your report on the %(license_type)s was sent to %(department)s, which will answer by %(due_on)s."),
    ),
    "license.correction_accepted": MessageTemplate(
        _("Your licence error report %(reference)s was accepted"),
        _("%(department)s accepted your report on the %(license_type)s and is correcting the licence."),
    ),
    "license.correction_corrected": MessageTemplate(
        _("Your %(license_type)s was corrected"),
        _(
            "Following your report %(reference)s, %(department)s issued version %(version)s of your "
            "%(license_type)s. The earlier version is no longer valid; show the new one from now on."
        ),
    ),
    "license.correction_rejected": MessageTemplate(
        _("Your licence error report %(reference)s was not accepted"),
        _("%(department)s did not correct the %(license_type)s. Reason: %(reason)s"),
    ),
    "license.correction_overdue": MessageTemplate(
        _("Licence error report %(reference)s is overdue"),
        _(
            "The report on a %(license_type)s was due on %(due_on)s and is still open. Please settle it "
            "in the workbench."
        ),
    ),
}


def _display(value: Any) -> Any:
    """Lists of codes render as labels in the reader's language (e.g. authorisation scopes)."""
    if isinstance(value, list):
        from tongban.accounts.constants import RepresentationScope

        labels = dict(RepresentationScope.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return value


def render(template: str, params: dict[str, Any]) -> tuple[str, str]:
    tpl = TEMPLATES[template]
    shown = {key: _display(value) for key, value in params.items()}
    return str(tpl.subject) % shown, str(tpl.body) % shown
