"""Where each item is done: every current district's 综合受理窗口 (无差别受理, 全市通办).

One ItemLocation per item code and district, copied from the window the demo loader creates for the
district (address, hours, phone), keyed on (item_code, district).
"""

from __future__ import annotations

from typing import Any

from tongban.organizations.models import ServiceWindow

NOTE = "综合受理窗口无差别受理，全市通办；可在一网通办预约取号。"

# ItemLocation fields the seed keeps up to date.
FIELDS = ("window", "address", "hours", "phone", "notes")


def location_values(window: ServiceWindow) -> dict[str, Any]:
    return {
        "window_id": window.pk,
        "address": window.address,
        "hours": window.hours,
        "phone": window.phone,
        "notes": NOTE,
    }
