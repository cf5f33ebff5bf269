from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """持证主体: who a licence is issued to (GB/T 36903 持证主体代码类型: 111 ID number, 001 USCC)."""

    NATURAL_PERSON = "natural_person", _("Natural person")
    LEGAL_PERSON = "legal_person", _("Legal person")


class HolderCodeType(models.TextChoices):
    """持证主体代码类型 (GB/T 36903 as seen in national share schemas): what the holder code is."""

    RESIDENT_ID = "111", _("Resident ID number")
    USCC = "001", _("Unified social credit code")


HOLDER_CODE_TYPE_FOR_KIND = {
    "natural_person": HolderCodeType.RESIDENT_ID,
    "legal_person": HolderCodeType.USCC,
}


class LicenseStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


class LicenseSource(models.TextChoices):
    ISSUED = "issued", _("Issued on the platform")
    IMPORTED = "imported", _("Imported from a department system")
    DEMO = "demo", _("Demo data")


class VersionReason(models.TextChoices):
    ISSUED = "issued", _("First issue")
    CORRECTION = "correction", _("Correction")
    RENEWAL = "renewal", _("Renewal")
    CHANGE = "change", _("Change of particulars")


class AccessKind(models.TextChoices):
    """How a licence was used: shown to the holder in 谁用了我的证照."""

    REUSE = "reuse", _("Fetched for a case")
    VERIFICATION = "verification", _("Presentation verified")
    STAFF_VIEW = "staff_view", _("Viewed by staff")


class FindingCheck(models.TextChoices):
    HOLDER_CODE = "holder_code", _("Holder code check digit")
    DATES = "dates", _("Dates out of order")
    FACE_SCHEMA = "face_schema", _("Face fields do not match the type")
    HOLDER_NAME = "holder_name", _("Holder name differs from the identity record")
    DUPLICATE = "duplicate", _("Duplicate licence")
    EXPIRING = "expiring", _("Expires soon")
    IDENTIFIER = "identifier", _("Invalid licence identifier")


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Notice")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class CorrectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Rejected")


class ReporterKind(models.TextChoices):
    HOLDER = "holder", _("Holder")
    STAFF = "staff", _("Window staff")


class IssuerCodeKind(models.TextChoices):
    """What the 证照颁发机构代码 segment of an 电子证照标识 holds."""

    USCC = "uscc", _("Unified social credit code")
    AREA_CODE = "area_code", _("Area code")  # seen in one real identifier (合肥 340100)


# ``validity_end``'s value for 长期 (no end date) when it is asked for explicitly.
LONG_TERM = "long_term"
# How 长期 is written in a face field that holds either a date or 长期 (有效期限, 营业期限 …).
LONG_TERM_TEXT = "长期"

# Custom JSON Schema ``format`` names checked by ``tongban.licenses.faces`` (other validators ignore them,
# so every such field also carries a ``pattern``).
FORMAT_DATE = "date"  # standard; checked strictly as YYYY-MM-DD
FORMAT_DATE_OR_LONG_TERM = "cn-date-or-long-term"
FORMAT_RESIDENT_ID = "cn-resident-id"  # 公民身份号码, GB 11643
FORMAT_USCC = "cn-uscc"  # 统一社会信用代码, GB 32100
FORMAT_DISABILITY_CARD = "cn-disability-card-number"  # 残疾人证号: ID number + 类别 (1-7) + 等级 (1-4)

# Values of a 性别 face field, mapped to the sex encoded in an ID number.
SEX_VALUES = {"男": "M", "女": "F"}

# 民族 as printed on a 居民身份证 (the 56 groups of GB/T 3304, without 族), plus GB/T 3304's
# 其他 and 外国血统中国籍人士.
ETHNIC_GROUPS = [
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
    "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "其他", "外国血统中国籍人士",
]  # fmt: skip
