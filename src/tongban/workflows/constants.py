"""Code tables of case processes. Lane names and task kinds are part of the contract with ``cases``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DefinitionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


# Lanes (bpmn:lane names). The cases app maps them to people: "department" to the item's department,
# "window" and "issuance" to the front desk, "applicant" to the applicant, "dept:<slug>" to that department.
LANE_WINDOW = "window"
LANE_APPLICANT = "applicant"
LANE_DEPARTMENT = "department"
LANE_ISSUANCE = "issuance"
LANES = frozenset({LANE_WINDOW, LANE_APPLICANT, LANE_DEPARTMENT, LANE_ISSUANCE})
DEPARTMENT_LANE_PREFIX = "dept:"

# User task kinds (extension property "kind").
KIND_ACCEPT = "accept"
KIND_SUPPLEMENT = "supplement"
KIND_REVIEW = "review"
KIND_ISSUE = "issue"
# The applicant pays the case's fees (统一支付). The cases app completes it itself: at once when nothing is
# due, otherwise when the fee order is settled.
KIND_PAY = "pay"
KINDS = frozenset({KIND_ACCEPT, KIND_SUPPLEMENT, KIND_REVIEW, KIND_PAY, KIND_ISSUE})

# Completion values the processes route on (accept) or record (review).
ACCEPTANCE_VALUES = frozenset({"accepted", "notice", "not_accepted"})
DECISION_VALUES = frozenset({"approve", "reject"})
PAYMENT_VALUES = frozenset({"paid", "none"})

# Staff role that may upload, publish and retire process definitions (superusers may too).
DESIGNER_ROLE = "process_designer"
