"""Notification templates of ratings (registered from ``RatingsConfig.ready``). Params carry case numbers,
service and department names, dates and references: never the rater's identity."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongban.notifications.messages import MessageTemplate

TEMPLATES: dict[str, MessageTemplate] = {
    # To the applicant when the case ends. Params: case_no, service, url, days.
    "ratings.invitation": MessageTemplate(
        _("How was the service for case %(case_no)s?"),
        _(
            "Your case %(case_no)s (%(service)s) is finished. Please rate the service within %(days)s "
            "days: %(url)s. The department does not see your name if you rate anonymously."
        ),
    ),
    # To the department's section chiefs. Params: reference, level, service, due_on.
    "ratings.bad_rating": MessageTemplate(
        _("Bad rating %(reference)s to rectify"),
        _(
            "A rating of %(level)s was given for %(service)s. Call the rater back, classify the problem "
            "and answer by %(due_on)s."
        ),
    ),
    # To the rater. Params: case_no, department, url.
    "ratings.response": MessageTemplate(
        _("%(department)s answered your rating of case %(case_no)s"),
        _("Read the answer and tell us whether you are satisfied: %(url)s"),
    ),
    # To the handler (or section chiefs). Params: reference, due_on.
    "ratings.reopened": MessageTemplate(
        _("The rater is not satisfied with the answer to %(reference)s"),
        _("Continue the rectification and answer again by %(due_on)s."),
    ),
    # To section chiefs and supervisors. Params: reference, department, reason, due_on.
    "ratings.escalated": MessageTemplate(
        _("Rectification %(reference)s escalated"),
        _(
            "The rectification %(reference)s of %(department)s was escalated: %(reason)s "
            "(deadline %(due_on)s)."
        ),
    ),
    # To supervisors. Params: reference, department.
    "ratings.appeal_submitted": MessageTemplate(
        _("Appeal against rating %(reference)s"),
        _("%(department)s appealed against the bad rating %(reference)s. Please review it."),
    ),
    # To the department's section chiefs. Params: reference, decision.
    "ratings.appeal_decided": MessageTemplate(
        _("Appeal %(reference)s decided"),
        _("The appeal against the rating %(reference)s was %(decision)s."),
    ),
}
