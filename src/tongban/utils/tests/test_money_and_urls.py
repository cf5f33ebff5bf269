"""Fen as yuan text (integers only) and absolute site addresses."""

from __future__ import annotations

from typing import Any

from tongban.utils.money import fen, yuan
from tongban.utils.urls import site_url


def test_fen_as_yuan_text() -> None:
    assert [fen(v) for v in (0, 5, 12345, -250, None)] == ["0.00", "0.05", "123.45", "-2.50", "—"]
    assert fen(123456789, grouped=True) == "1,234,567.89"
    assert yuan(5284) == "¥52.84" and yuan(100000) == "¥1,000.00"


def test_site_url_joins_whatever_the_trailing_slash(settings: Any) -> None:
    settings.TONGBAN_SITE_URL = "https://zwfw.example.gov.cn/"
    assert site_url("/ratings/") == "https://zwfw.example.gov.cn/ratings/"
    settings.TONGBAN_SITE_URL = "https://zwfw.example.gov.cn"
    assert site_url("/ratings/") == "https://zwfw.example.gov.cn/ratings/"
