"""Standard reasons of 不予受理, 不予许可 and 一次性告知 decisions."""

from __future__ import annotations

import re

from django.utils import translation

import pytest

from tongban.cases import reasons
from tongban.cases.reasons import OTHER, ReasonKind
from tongban.utils.errors import DomainError

NA, RF, SP = ReasonKind.NOT_ACCEPTED.value, ReasonKind.REFUSED.value, ReasonKind.SUPPLEMENT.value
LAW = "《中华人民共和国行政许可法》"
# A citation of the law: 第…条, optionally 第…款 and 第…项, several joined by 、.
CITATION = re.compile(
    r"^《中华人民共和国行政许可法》第[一二三四五六七八九十]+条(第[一二三四]款(第[一二三四五]项)?)?"
)


def codes(kind: str) -> list[str]:
    return [r.code for r in reasons.reasons(kind)]


def test_each_kind_lists_its_reasons_with_other_last() -> None:
    assert codes(NA) == [
        "not_competent",
        "no_licence_needed",
        "not_on_platform",
        "applicant_not_eligible",
        "false_materials",
        OTHER,
    ]
    assert codes(RF) == ["conditions_not_met", "site_check_failed", "false_materials", OTHER]
    assert codes(SP) == [
        "material_missing",
        "material_illegible",
        "material_not_matching_original",
        "material_expired",
        "form_error",
        "signature_or_seal_missing",
        OTHER,
    ]
    for kind in ReasonKind.values:
        assert all(r.kind == kind and r.zh and str(r.label) for r in reasons.reasons(kind))
        assert [c for c, _label in reasons.choices(kind)] == codes(kind)


def test_legal_bases() -> None:
    assert reasons.get(NA, "not_competent").basis == f"{LAW}第三十二条第一款第二项"
    assert reasons.get(NA, "no_licence_needed").basis == f"{LAW}第三十二条第一款第一项"
    assert reasons.get(RF, "conditions_not_met").basis == f"{LAW}第三十八条第二款"
    assert reasons.get(RF, "false_materials").basis == f"{LAW}第七十八条"
    assert reasons.get(NA, "false_materials").basis == f"{LAW}第七十八条"  # 不予受理或者不予行政许可
    assert reasons.get(RF, "site_check_failed").basis == f"{LAW}第三十四条第三款、第三十八条第二款"
    # Every notice item rests on the one-time notice rule.
    assert {r.basis for r in reasons.reasons(SP)} == {f"{LAW}第三十二条第一款第四项"}
    # Grounds no provision names carry no invented basis.
    for kind, code in ((NA, "not_on_platform"), (NA, "applicant_not_eligible"), (NA, OTHER), (RF, OTHER)):
        assert reasons.get(kind, code).basis == ""
    for kind in ReasonKind.values:
        for r in reasons.reasons(kind):
            assert r.basis == "" or CITATION.match(r.basis), r.basis


def test_unknown_kind_or_code() -> None:
    for kind, code in (("refused", "material_missing"), ("rejected", "other"), (NA, "")):
        with pytest.raises(DomainError) as err:
            reasons.get(kind, code)
        assert err.value.code == "reason_unknown"
    with pytest.raises(DomainError) as err:
        reasons.reasons("rejected")
    assert err.value.code == "reason_unknown"
    with pytest.raises(DomainError) as err:
        reasons.describe(RF, "nope", "text")
    assert err.value.code == "reason_unknown"


def test_describe_joins_label_basis_and_text() -> None:
    with translation.override("en"):
        assert reasons.describe(NA, "not_competent") == (
            f"The matter is not within this authority's competence ({LAW}第三十二条第一款第二项)"
        )
        assert reasons.describe(SP, "material_expired", "  营业执照副本已过有效期 ") == (
            f"A material has expired ({LAW}第三十二条第一款第四项): 营业执照副本已过有效期"
        )
        assert reasons.describe(NA, "not_on_platform") == "The matter is not handled on this platform"
        assert reasons.describe(RF, OTHER, "选址位于规划禁止区域") == "Other reason: 选址位于规划禁止区域"


def test_other_needs_the_clerks_words() -> None:
    for kind in ReasonKind.values:
        for blank in ("", "   ", None):
            with pytest.raises(DomainError) as err:
                reasons.describe(kind, OTHER, blank)  # type: ignore[arg-type]
            assert err.value.code == "reason_text_required"
            assert err.value.field == "text"
    assert reasons.get(SP, OTHER).needs_text
    assert not reasons.get(SP, "material_missing").needs_text
