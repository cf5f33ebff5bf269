"""Notification templates of the service desk. Params: number, department, due_on; never the
requester's text or contact details."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.notifications.messages import MessageTemplate

TEMPLATES: dict[str, MessageTemplate] = {
    # To the requester.
    "servicedesk.received": MessageTemplate(
        _("We received your request %(number)s"),
        _("Your request %(number)s was received. It will be answered by %(due_on)s."),
    ),
    "servicedesk.answered": MessageTemplate(
        _("Your request %(number)s was answered"),
        _(
            "%(department)s answered your request %(number)s. Read the answer and tell us whether it "
            "helped under “My requests”."
        ),
    ),
    "servicedesk.transferred": MessageTemplate(
        _("Your request %(number)s was passed to %(department)s"),
        _("Your request %(number)s is now handled by %(department)s, which will answer by %(due_on)s."),
    ),
    "servicedesk.closed": MessageTemplate(
        _("Your request %(number)s was closed"),
        _("Your request %(number)s was closed. If it is not settled, you may reopen it for a few days."),
    ),
    # To staff (message centre only).
    "servicedesk.untriaged": MessageTemplate(
        _("Request %(number)s needs routing"),
        _("Request %(number)s names no department. Route it to one in the service desk's inbox."),
    ),
    "servicedesk.assigned": MessageTemplate(
        _("Request %(number)s for %(department)s"),
        _("Request %(number)s was routed to %(department)s. Answer it by %(due_on)s in the workbench."),
    ),
    "servicedesk.followed_up": MessageTemplate(
        _("More information on request %(number)s"),
        _("The requester added information to request %(number)s. Answer by %(due_on)s."),
    ),
    "servicedesk.reopened": MessageTemplate(
        _("Request %(number)s was reopened"),
        _("The requester reopened request %(number)s. Answer again by %(due_on)s."),
    ),
    "servicedesk.unsatisfied": MessageTemplate(
        _("Request %(number)s: the requester is not satisfied"),
        _("The requester rated the answer to request %(number)s as not satisfying."),
    ),
    "servicedesk.overdue": MessageTemplate(
        _("Request %(number)s is overdue"),
        _(
            "Request %(number)s with %(department)s was due on %(due_on)s and is still unanswered. "
            "Please see to it in the workbench."
        ),
    ),
}
