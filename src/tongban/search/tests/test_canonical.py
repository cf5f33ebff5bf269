"""A few canonical queries against the real seed catalogue and lexicon (the benchmark measures the rest)."""

from collections.abc import Iterator
from typing import Any

from django.db import transaction

import pytest

from tongban.demo.loader import load_demo
from tongban.search import services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo data once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def top(query, n=3, **kw):
    result, _log = services.search(query, limit=n, log=False, **kw)
    return [h.name for h in result.results], result


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("开饭店", "开办餐饮店一件事"),
        ("我想开个小饭馆要办啥", "开办餐饮店一件事"),
        ("孩子刚出生要办哪些手续", "新生儿出生一件事"),
        ("营业执找", "企业设立登记"),
        ("公积今提取", "住房公积金提取"),
        ("yingye zhizhao", "企业设立登记"),
        ("gjj", "住房公积金提取"),
        ("passport", "普通护照签发"),
        ("上班受伤了", "工伤认定"),
        ("老人走了要办什么", "公民身后一件事"),
    ],
)
def test_canonical_queries(seeded, query, expected):
    names, _result = top(query)
    assert expected in names


def test_stop_words_do_not_pull_up_the_disability_card(seeded):
    names, _result = top("开饭店要办什么证", n=5)
    assert "残疾人证核发" not in names


def test_typos_come_with_a_did_you_mean(seeded):
    _names, result = top("营业执找")
    assert result.suggestion == "营业执照"


def test_audience_filter(seeded):
    names, result = top("登记", n=20, audience="natural")
    assert result.results and "企业设立登记" not in names
