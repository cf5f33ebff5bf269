from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "city_name": settings.TONGBAN_CITY_NAME
        if translation.get_language() == "zh-hans"
        else settings.TONGBAN_CITY_NAME_EN,
        "large_text": getattr(request, "large_text", False),
        "tongban_env": settings.TONGBAN_ENV,
    }
