"""Code tables of cases (办件). Values are stored and appear in the API: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetKind(models.TextChoices):
    ITEM = "item", _("Single service")
    BUNDLE = "bundle", _("One-thing bundle (一件事)")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    NOTICE = "notice", _("Waiting for your supplement (补正)")
    NOT_ACCEPTED = "not_accepted", _("Not accepted (不予受理)")
    IN_REVIEW = "in_review", _("Accepted, under review")
    DECIDED = "decided", _("Decided, results being issued")
    PAYING = "paying", _("Waiting for the fees to be paid (待缴费)")
    ISSUED = "issued", _("Results issued")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed (办结)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed: not supplemented in time")


# Statuses in which the applicant may still withdraw (before any decision).
WITHDRAWABLE = frozenset({CaseStatus.SUBMITTED, CaseStatus.NOTICE, CaseStatus.IN_REVIEW})
# Statuses with no further work.
FINAL = frozenset(
    {CaseStatus.NOT_ACCEPTED, CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.LAPSED, CaseStatus.DRAFT}
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a service window (帮办代办)")


class HolderKind(models.TextChoices):
    NATURAL = "natural", _("Individual")
    LEGAL = "legal", _("Business or organisation")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for acceptance")
    IN_REVIEW = "in_review", _("Under review")
    APPROVED = "approved", _("Approved (准予)")
    REJECTED = "rejected", _("Refused (不予)")
    CANCELLED = "cancelled", _("Cancelled")


class TaskKind(models.TextChoices):
    ACCEPT = "accept", _("Acceptance (受理)")
    SUPPLEMENT = "supplement", _("Supplement by the applicant (补正)")
    REVIEW = "review", _("Department review (审查)")
    PAY = "pay", _("Payment of fees by the applicant (缴费)")
    ISSUE = "issue", _("Unified issuance (统一出件)")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for the applicant")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", pgettext_lazy("task", "Cancelled")


class Acceptance(models.TextChoices):
    ACCEPTED = "accepted", _("Accept (受理)")
    NOTICE = "notice", _("One-time notice of what is missing (一次性告知)")
    NOT_ACCEPTED = "not_accepted", _("Do not accept (不予受理)")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve (准予)")
    REJECT = "reject", _("Refuse (不予)")
    SUPPLEMENT = "supplement", _("Request a supplement (补正)")
    COMMENT = "comment", _("Comment only")
    ISSUE = "issue", _("Issue the results")
    ACCEPTED = "accepted", _("Accept (受理)")
    NOTICE = "notice", _("One-time notice (一次性告知)")
    NOT_ACCEPTED = "not_accepted", _("Do not accept (不予受理)")


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded by the applicant")
    E_LICENSE = "e_license", _("Fetched from the licence library")
    LICENSE_QR = "license_qr", _("Verified from the holder's licence QR code")
    SHARED_DATA = "shared_data", _("Obtained through data sharing")
    CITY_ISSUED = "city_issued", _("Obtained between departments")
    PAPER = "paper", _("Paper original seen at the window")


class MaterialStatus(models.TextChoices):
    PROVIDED = "provided", _("Provided")
    EXEMPT = "exempt", _("Exempt: government holds it")
    MISSING = "missing", _("Missing")


class DeliveryMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("Electronic, into the licence wallet")
    PICKUP = "pickup", _("Collect at the window (自取)")
    MAIL = "mail", _("By post (邮寄)")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PRE_REVIEWED = "pre_reviewed", _("Pre-review by rules")
    ACCEPTED = "accepted", _("Accepted")
    NOTICE = "notice", _("One-time notice sent")
    SUPPLEMENTED = "supplemented", _("Supplement received")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    TASK_OPENED = "task_opened", _("Task opened")
    TASK_COMPLETED = "task_completed", _("Task completed")
    DECIDED = "decided", _("Decision")
    ISSUED = "issued", _("Results issued")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")
    EXTENDED = "extended", _("Deadline extended")
    ESCALATED = "escalated", _("Overdue task escalated")
    COMMENT = "comment", _("Comment")
    MATERIAL_FETCHED = "material_fetched", _("Licence fetched from the library")
    PUSHED = "pushed", _("Sent to a department system")
    PAYMENT_DUE = "payment_due", _("Fees to pay")
    PAID = "paid", _("Fees paid")
    PAYMENT_EXPIRED = "payment_expired", _("Payment order expired")
    PAYMENT_OUTSIDE = "payment_outside", _("Fees collected outside the platform")
    REFUNDED = "refunded", _("Fees refunded")
    PARCEL = "parcel", _("Parcel")
