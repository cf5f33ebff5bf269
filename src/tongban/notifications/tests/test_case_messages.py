"""Case-milestone templates render with their documented params in every language."""

from __future__ import annotations

from django.utils import translation

import pytest

from tongban.notifications.messages import TEMPLATES, render

# The params each template needs; callers pass these (and nothing personal beyond them).
CASE_PARAMS: dict[str, dict[str, object]] = {
    "case.submitted": {"case_no": "TB20261127000123", "target": "食品经营许可证核发"},
    "case.accepted": {"case_no": "TB20261127000123", "target": "食品经营许可证核发", "due_on": "2026-12-11"},
    "case.notice": {"case_no": "TB20261127000123", "count": 3, "due_on": "2026-12-11"},
    "case.not_accepted": {
        "case_no": "TB20261127000123",
        "target": "食品经营许可证核发",
        "reason": "不属于本部门受理范围",
    },
    "case.decided": {
        "case_no": "TB20261127000123",
        "target": "我要开餐馆",
        "department": "上海市市场监督管理局",
    },
    "case.issued": {"case_no": "TB20261127000123", "results": ["食品经营许可证", "营业执照"]},
    "case.closed": {"case_no": "TB20261127000123", "target": "我要开餐馆"},
    "case.withdrawn": {"case_no": "TB20261127000123", "target": "我要开餐馆"},
    "case.lapsed": {"case_no": "TB20261127000123", "target": "我要开餐馆"},
    "case.task_overdue": {"case_no": "TB20261127000123", "due_on": "2026-12-01"},
    "case.extended": {"case_no": "TB20261127000123", "due_on": "2026-12-25", "reason": "需现场核查"},
    "case.payment_due": {
        "case_no": "TB20261127000123",
        "target": "我要开餐馆",
        "amount": "¥52.84",
        "order_no": "TB20261127A1B2C3D4E5F6",
    },
    "case.paid": {"case_no": "TB20261127000123", "amount": "¥52.84"},
    "case.payment_expired": {
        "case_no": "TB20261127000123",
        "target": "我要开餐馆",
        "order_no": "TB20261127A1B2C3D4E5F6",
    },
}


def test_the_case_templates_are_exactly_these():
    assert {name for name in TEMPLATES if name.startswith("case.")} == set(CASE_PARAMS)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("template", sorted(CASE_PARAMS))
def test_case_template_renders_with_its_params(template, language):
    params = CASE_PARAMS[template]
    with translation.override(language):
        subject, body = render(template, params)
    assert "TB20261127000123" in subject + body
    assert "%(" not in subject + body and "\n" not in subject
    for value in params.values():
        shown = "、".join(value) if isinstance(value, list) else str(value)
        assert shown in subject + body, (template, value)


def test_the_notice_counts_items_in_the_right_number():
    params = CASE_PARAMS["case.notice"]
    with translation.override("en"):
        assert "1 item of case" in render("case.notice", {**params, "count": 1})[1]
        assert "3 items of case" in render("case.notice", {**params, "count": 3})[1]


def test_a_missing_param_is_a_key_error_not_a_silent_gap():
    with translation.override("en"), pytest.raises(KeyError):
        render("case.accepted", {"case_no": "TB1", "target": "x"})
