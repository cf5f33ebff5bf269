"""Code tables of ratings (好差评). Values are stored and appear in the API: never rename one.

Numeric codes of other systems (GB/T 39046, provincial interfaces) are converted only at the boundary,
in ``ratings.codes``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The five levels (GB/T 39046 A.8), best first."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied (非常满意)")
    SATISFIED = "satisfied", _("Satisfied (满意)")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied (非常不满意)")


# 差评: the last two levels. Everything else counts as good (好评) on the public board.
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
GOOD_LEVELS = frozenset(set(Level) - BAD_LEVELS)


class Channel(models.TextChoices):
    """评价渠道 (GB/T 39046 表9)."""

    PC = "pc", _("Website (PC)")
    MOBILE = "mobile", _("Mobile app")
    QR = "qr", _("QR code at the window")
    HALL_TABLET = "hall_tablet", _("Service hall tablet")
    HALL_TERMINAL = "hall_terminal", _("Other service hall terminal")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")


# Channels of a visit to a service hall (一次一评): their ratings use the window indicators.
HALL_CHANNELS = frozenset({Channel.QR, Channel.HALL_TABLET, Channel.HALL_TERMINAL})
# Channels a rater uses themself on the platform; phone and SMS ratings arrive through the hotline and
# SMS gateways (recorded by those integrations, not by this API).
SELF_SERVICE_CHANNELS = frozenset({Channel.PC, Channel.MOBILE, Channel.QR, Channel.HALL_TABLET})


class Mode(models.TextChoices):
    """Where the service was given: decides the indicator set."""

    ONLINE = "online", _("Online service")
    WINDOW = "window", _("Window service")


class Indicator(models.TextChoices):
    """Second-level indicators (评价指标) a rater may tag."""

    EFFICIENCY = "efficiency", _("Efficiency (办事效率)")
    GUIDE_ACCURACY = "guide_accuracy", _("Accuracy of the guide (办事指南精确度)")
    CONVENIENCE = "convenience", _("Convenience (办事便捷度)")
    USABILITY = "usability", _("Ease of use of the platform (平台操作性)")
    SERVICE_EFFICIENCY = "service_efficiency", _("Service efficiency (服务效率)")
    SERVICE_LEVEL = "service_level", _("Service quality (服务水平)")
    SERVICE_ATTITUDE = "service_attitude", _("Service attitude (服务态度)")


INDICATORS: dict[str, tuple[str, ...]] = {
    Mode.ONLINE: (Indicator.EFFICIENCY, Indicator.GUIDE_ACCURACY, Indicator.CONVENIENCE, Indicator.USABILITY),
    Mode.WINDOW: (Indicator.SERVICE_EFFICIENCY, Indicator.SERVICE_LEVEL, Indicator.SERVICE_ATTITUDE),
}


class RaterKind(models.TextChoices):
    """用户属性."""

    PERSON = "person", _("Individual")
    LEGAL_PERSON = "legal_person", _("Business or organisation")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the call-back (待回访)")
    VERIFIED = "verified", _("Called back, to be classified (已回访)")
    RECTIFYING = "rectifying", _("Being rectified (整改中)")
    RESPONDED = "responded", _("Answered, waiting for the rater (待确认)")
    APPEALED = "appealed", _("Appeal under review (申诉复核中)")
    ESCALATED = "escalated", _("With the supervisors (已升级督办)")
    CLOSED = "closed", _("Closed (已办结)")


OPEN_STATUSES = frozenset(set(RectificationStatus) - {RectificationStatus.CLOSED})
# Statuses in which the department still owes work (the deadline runs).
DEPARTMENT_STATUSES = frozenset(
    {RectificationStatus.OPEN, RectificationStatus.VERIFIED, RectificationStatus.RECTIFYING}
)


class Classification(models.TextChoices):
    IMMEDIATE = "immediate", _("Rectify at once (立行立改)")
    SCHEDULED = "scheduled", _("Rectify by a deadline (限期整改)")
    EXPLANATION = "explanation", _("Explain (解释说明)")


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("The rater is satisfied")
    UNCONFIRMED = "unconfirmed", _("The rater did not answer in time")
    SUPERVISED = "supervised", _("Closed by the supervisors")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld: rating excluded")


# Outcomes that count as rectified on the public board.
RECTIFIED_OUTCOMES = frozenset({Outcome.CONFIRMED, Outcome.UNCONFIRMED, Outcome.SUPERVISED})


class AppealStatus(models.TextChoices):
    NONE = "", _("No appeal")
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld (rating excluded)")
    REJECTED = "rejected", _("Rejected")


class EscalationReason(models.TextChoices):
    OVERDUE = "overdue", _("Past its deadline")
    RATER_UNSATISFIED = "rater_unsatisfied", _("The rater is still not satisfied")


class Action(models.TextChoices):
    """What can be done to a rectification (``POST /rectifications/{id}/actions``)."""

    CLAIM = "claim", _("Take on")
    CALLBACK = "callback", _("Record the call-back (回访核实)")
    CLASSIFY = "classify", _("Classify")
    RESPOND = "respond", _("Answer the rater")
    CONFIRM = "confirm", _("Rater: satisfied")
    REOPEN = "reopen", _("Rater: not satisfied")
    APPEAL = "appeal", _("Appeal (申诉)")
    DECIDE_APPEAL = "decide_appeal", _("Decide the appeal (复核)")
    CLOSE = "close", _("Close (supervisors)")
    # Recorded by the platform only.
    OPENED = "opened", _("Bad rating received")
    ESCALATE = "escalate", _("Escalated to the supervisors")
    EXPIRE = "expire", _("Closed without the rater's answer")


class BoardScope(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    ITEM = "item", _("Service")
    DISTRICT = "district", _("District")


# The board's all-time period key; months are "YYYY-MM".
ALL_TIME = "all"
