"""Standard reasons of the written decisions a case can end in, with their legal basis.

Three kinds (:class:`ReasonKind`): why an application is not accepted (不予受理), why a licence is refused
(不予许可), and what a one-time notice asks the applicant to supplement (一次性告知 / 补正). A case
stores the ``code``; codes are part of the public contract (never rename one, add a new one).

Each reason has an English ``label`` (a gettext msgid), ``zh``, the Chinese wording the translation and
the printed decisions should use, and ``basis``, the provision of 《中华人民共和国行政许可法》 (2003, as
amended 2019; the amendment did not renumber the articles cited here) it rests on. ``basis`` is left
empty where no provision of that law names the ground; it is never guessed. Every kind has an ``other``
reason that needs the clerk's own words (:func:`describe`).

Provisions cited:

- 第三十二条第一款: the handling of an application; 第一项 no licence needed (不受理), 第二项 not within
  the authority's competence (不予受理), 第四项 incomplete materials or not in the legal form: tell the
  applicant everything to supplement at once, on the spot or within five days;
- 第三十四条第三款: verification of the substance of the materials by two or more officials (核查);
- 第三十八条第二款: a refusal is a written decision that gives its reasons and the right to 行政复议 or
  行政诉讼;
- 第七十八条: concealing facts or giving false materials: not accepted or refused, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongban.utils.errors import DomainError

LAW = "《中华人民共和国行政许可法》"
OTHER = "other"


class ReasonKind(models.TextChoices):
    NOT_ACCEPTED = "not_accepted", _("Not accepted (不予受理)")
    REFUSED = "refused", _("Refused (不予许可)")
    SUPPLEMENT = "supplement", _("To supplement (一次性告知补正)")


@dataclass(frozen=True)
class Reason:
    code: str
    kind: str
    label: Promise  # English msgid, translated for display
    basis: str  # the legal provision, in Chinese as cited; "" when none is named
    zh: str = ""  # the Chinese wording

    @property
    def needs_text(self) -> bool:
        return self.code == OTHER


def _law(article: str) -> str:
    return f"{LAW}{article}"


_NOT_COMPETENT = _law("第三十二条第一款第二项")
_NO_LICENCE_NEEDED = _law("第三十二条第一款第一项")
_SUPPLEMENT = _law("第三十二条第一款第四项")
_REFUSAL = _law("第三十八条第二款")
_FALSE_MATERIALS = _law("第七十八条")

NA, RF, SP = ReasonKind.NOT_ACCEPTED.value, ReasonKind.REFUSED.value, ReasonKind.SUPPLEMENT.value

_REASONS: tuple[Reason, ...] = (
    # --- 不予受理 ---
    Reason(
        "not_competent",
        NA,
        _("The matter is not within this authority's competence"),
        _NOT_COMPETENT,
        "申请事项依法不属于本行政机关职权范围",
    ),
    Reason(
        "no_licence_needed",
        NA,
        _("No administrative licence is needed for this matter"),
        _NO_LICENCE_NEEDED,
        "申请事项依法不需要取得行政许可",
    ),
    Reason(
        "not_on_platform",
        NA,
        _("The matter is not handled on this platform"),
        "",
        "申请事项不属于本平台受理范围",
    ),
    Reason(
        "applicant_not_eligible",
        NA,
        _("The applicant is not eligible to apply"),
        "",
        "申请人不具备申请资格",
    ),
    Reason(
        "false_materials",
        NA,
        _("The applicant concealed relevant facts or gave false materials"),
        _FALSE_MATERIALS,
        "申请人隐瞒有关情况或者提供虚假材料",
    ),
    Reason(OTHER, NA, _("Other reason"), "", "其他"),
    # --- 不予许可 ---
    Reason(
        "conditions_not_met",
        RF,
        _("The application does not meet the statutory conditions and standards"),
        _REFUSAL,
        "不符合法定条件、标准",
    ),
    Reason(
        "site_check_failed",
        RF,
        _("The on-site verification found the requirements not met"),
        f"{_law('第三十四条第三款')}、第三十八条第二款",
        "现场核查不符合要求",
    ),
    Reason(
        "false_materials",
        RF,
        _("The applicant concealed relevant facts or gave false materials"),
        _FALSE_MATERIALS,
        "申请人隐瞒有关情况或者提供虚假材料",
    ),
    Reason(OTHER, RF, _("Other reason"), "", "其他"),
    # --- 一次性告知 / 补正 ---
    Reason("material_missing", SP, _("A material is missing"), _SUPPLEMENT, "材料缺失"),
    Reason("material_illegible", SP, _("A material is not legible"), _SUPPLEMENT, "材料不清晰"),
    Reason(
        "material_not_matching_original",
        SP,
        _("A material does not match its original"),
        _SUPPLEMENT,
        "材料与原件不一致",
    ),
    Reason("material_expired", SP, _("A material has expired"), _SUPPLEMENT, "材料已过有效期"),
    Reason("form_error", SP, _("The application form contains errors"), _SUPPLEMENT, "表单信息有误"),
    Reason(
        "signature_or_seal_missing",
        SP,
        _("A signature or seal is missing"),
        _SUPPLEMENT,
        "签字或盖章缺失",
    ),
    Reason(OTHER, SP, _("Something else to supplement"), _SUPPLEMENT, "其他需要补正的内容"),
)

_BY_KEY = {(r.kind, r.code): r for r in _REASONS}


def _check_kind(kind: str) -> None:
    if kind not in ReasonKind.values:
        raise DomainError("reason_unknown", _("There is no such kind of reason."), field="kind", kind=kind)


def reasons(kind: str) -> list[Reason]:
    """The reasons of ``kind`` in display order (``other`` last)."""
    _check_kind(kind)
    return [r for r in _REASONS if r.kind == kind]


def choices(kind: str) -> list[tuple[str, Promise]]:
    """``(code, label)`` pairs for a form's select."""
    return [(r.code, r.label) for r in reasons(kind)]


def get(kind: str, code: str) -> Reason:
    _check_kind(kind)
    reason = _BY_KEY.get((kind, code))
    if reason is None:
        raise DomainError(
            "reason_unknown", _("Choose one of the listed reasons."), field="code", kind=kind, reason=code
        )
    return reason


def describe(kind: str, code: str, text: str = "") -> str:
    """The reason as written into a decision or notice: label, legal basis, then the clerk's text.

    ``other`` requires ``text`` (``reason_text_required``); for the other reasons it is optional detail,
    e.g. which material is missing.
    """
    reason = get(kind, code)
    text = (text or "").strip()
    if reason.needs_text and not text:
        raise DomainError("reason_text_required", _("Explain the reason in your own words."), field="text")
    out = str(reason.label)
    if reason.basis:
        out = gettext("%(reason)s (%(basis)s)") % {"reason": out, "basis": reason.basis}
    if text:
        out = gettext("%(reason)s: %(text)s") % {"reason": out, "text": text}
    return out
