"""Absolute addresses of the platform's pages, for messages, QR codes and providers that call back."""

from __future__ import annotations

from django.conf import settings


def site_url(path: str) -> str:
    """``/ratings/`` → ``https://zwfw.example.gov.cn/ratings/`` (``TONGBAN_SITE_URL``, any trailing slash)."""
    return settings.TONGBAN_SITE_URL.rstrip("/") + path
