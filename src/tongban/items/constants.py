"""Code tables of the service catalogue. National codes follow GB/T 39046-2020 Appendix A; local codes
from other systems are mapped explicitly (LOCAL_TYPE_ALIASES), never assumed."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemType(models.TextChoices):
    """事项类型 (GB/T 39046 A.1, n2)."""

    ADMINISTRATIVE_POWER = "00", _("Administrative power")
    LICENSING = "01", _("Administrative licensing (行政许可)")
    PENALTY = "02", _("Administrative penalty")
    ENFORCEMENT = "03", _("Administrative enforcement")
    LEVY = "04", _("Administrative levy")
    BENEFIT = "05", _("Administrative benefit (行政给付)")
    INSPECTION = "06", _("Administrative inspection")
    CONFIRMATION = "07", _("Administrative confirmation (行政确认)")
    REWARD = "08", _("Administrative reward")
    ADJUDICATION = "09", _("Administrative adjudication")
    OTHER_POWER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service (公共服务)")


# Local letter codes seen in provincial systems (standards.md §3.2) → national code.
LOCAL_TYPE_ALIASES: dict[str, str] = {
    "XK": "01",
    "CF": "02",
    "QZ": "03",
    "ZS": "04",
    "GF": "05",
    "JC": "06",
    "QR": "07",
    "JL": "08",
    "CJ": "09",
    "QT": "10",
    "GG": "20",
}


class ExerciseLevel(models.TextChoices):
    """行使层级 (A.2)."""

    NATIONAL = "1", _("National")
    PROVINCIAL = "2", _("Provincial")
    CITY = "3", _("City")
    COUNTY = "4", _("County / district")
    TOWNSHIP = "5", _("Township / street")
    VILLAGE = "6", _("Village / community")
    TIERED = "7", _("Tiered")


class CaseKind(models.TextChoices):
    """办件类型 (A.6)."""

    IMMEDIATE = "1", _("Handled on the spot (即办件)")
    PROMISED = "2", _("Handled within a promised time (承诺件)")
    OTHER = "9", _("Other")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("working days")
    NATURAL_DAY = "natural_day", _("calendar days")
    MONTH = "month", _("months")


class OnlineDepth(models.IntegerChoices):
    """网上办理深度. Level names vary between systems (UNVERIFIED in the standard); IV is 全程网办."""

    INFORMATION = 1, _("I · information and consultation online")
    PREPARATION = 2, _("II · forms and appointments online")
    SUBMISSION = 3, _("III · application and pre-review online")
    FULLY_ONLINE = 4, _("IV · fully online (全程网办)")


class HandlingScope(models.TextChoices):
    """通办范围."""

    CITY = "city", _("Anywhere in the city (全市通办)")
    CROSS_DISTRICT = "cross_district", _("Across districts (跨区通办)")
    CROSS_PROVINCE = "cross_province", _("Across provinces (跨省通办)")


class Channel(models.TextChoices):
    PC = "pc", _("Website")
    MOBILE = "mobile", _("Mobile app")
    WINDOW = "window", _("Service window")
    MAIL = "mail", _("By post")


class ResultKind(models.TextChoices):
    LICENSE = "license", _("Licence or certificate")
    DOCUMENT = "document", _("Approval document")
    OTHER = "other", _("Other")


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", pgettext_lazy("material form", "Copy")
    ELECTRONIC = "electronic", _("Electronic")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("Provided by the applicant (申请人自备)")
    CITY_ISSUED = "city_issued", _("Issued by a city department (本市政府部门核发)")
    E_LICENSE = "e_license", _("Electronic licence (电子证照)")
    SHARED_DATA = "shared_data", _("Shared data (数据共享)")


class Requirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Required in some cases")


class TopicKind(models.TextChoices):
    LIFE_EVENT = "life_event", _("Life event")
    BUSINESS_EVENT = "business_event", _("Business event")


class Audience(models.TextChoices):
    NATURAL_PERSON = "natural", _("Individuals")
    LEGAL_PERSON = "legal", _("Businesses and organisations")
