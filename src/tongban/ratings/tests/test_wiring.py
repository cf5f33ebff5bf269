"""The app's messages render, its jobs are scheduled and its tasks run."""

from __future__ import annotations

from django.utils import translation

import pytest

from tongban.cases.models import Case
from tongban.notifications.messages import TEMPLATES, render
from tongban.ratings.messages import TEMPLATES as OURS
from tongban.ratings.models import BoardFigure, Invitation
from tongban.ratings.tests.conftest import rate
from tongban.utils import schedule

DUE = "2026-12-18"
URL = "https://x/r/TB1/"
PARAMS: dict[str, dict[str, object]] = {
    "ratings.invitation": {"case_no": "TB1", "service": "设立登记", "url": URL, "days": 30},
    "ratings.bad_rating": {"reference": "ZG1", "level": "不满意", "service": "设立登记", "due_on": DUE},
    "ratings.response": {"case_no": "TB1", "department": "市场监管局", "url": URL},
    "ratings.reopened": {"reference": "ZG1", "due_on": DUE},
    "ratings.escalated": {"reference": "ZG1", "department": "市场监管局", "reason": "逾期", "due_on": DUE},
    "ratings.appeal_submitted": {"reference": "ZG1", "department": "市场监管局"},
    "ratings.appeal_decided": {"reference": "ZG1", "decision": "驳回"},
}


def test_templates_are_registered_and_exactly_these() -> None:
    assert set(OURS) == set(PARAMS)
    assert all(TEMPLATES[code] == OURS[code] for code in OURS)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("template", sorted(PARAMS))
def test_template_renders_with_its_params(template: str, language: str) -> None:
    params = PARAMS[template]
    with translation.override(language):
        subject, body = render(template, params)
    assert "%(" not in subject + body and "\n" not in subject
    for value in params.values():
        assert str(value) in subject + body, (template, value)


def test_jobs_are_registered() -> None:
    import tongban.ratings.tasks  # noqa: F401  (registers on import, as the scheduler does)

    jobs = schedule._registry
    assert {"ratings.board", "ratings.escalate", "ratings.invitations"} <= set(jobs)
    assert jobs["ratings.board"].interval.total_seconds() == 600


@pytest.mark.django_db
def test_tasks_run(applicant: object, closed: Case) -> None:
    from tongban.ratings import tasks

    assert tasks.send_invitations.call() == 1 and Invitation.objects.count() == 1
    rate(applicant, closed, "satisfied")  # type: ignore[arg-type]
    assert tasks.recompute_board.call() == BoardFigure.objects.count() > 0
    assert tasks.escalate_rectifications.call() == 0
