"""Postal addresses: checked against the GB/T 2260 region table, stored encrypted, shown masked.

Rules (each with its own error code, all reported at once):

- ``name``: 1 to 40 characters after trimming (``address_name_required`` / ``address_name_too_long``).
- ``phone``: a mainland mobile number (11 digits starting 13-19) or a landline with its area code
  (``021-12345678``, extension allowed); spaces, dashes and a ``+86`` prefix are tolerated
  (``address_phone_invalid``).
- ``region_code``: six digits naming a county-level region (区/县: digits 5-6 not ``00``,
  ``address_region_not_county``) that exists in the region table (``address_region_unknown``) and is
  in force now, neither abolished nor not yet created (``address_region_retired``).
- ``detail``: street and number, 4 to 200 characters (``address_detail_invalid``).
- ``postcode``: six digits (``address_postcode_invalid``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.organizations.models import Region
from tongban.utils.errors import DomainError, ValidationFailed
from tongban.utils.masking import mask_mobile, mask_name

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
REGION_CODE = re.compile(r"^\d{6}$")
POSTCODE = re.compile(r"^\d{6}$")
DETAIL_MIN, DETAIL_MAX, NAME_MAX = 4, 200, 40
# How many characters of the detail line a masked address keeps (enough to recognise one's own street).
DETAIL_SHOWN = 6


@dataclass(frozen=True)
class Address:
    name: str
    phone: str
    region_code: str
    detail: str
    postcode: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def normalise_phone(raw: str) -> str:
    """Spaces dropped, a ``+86``/``0086`` prefix removed; dashes kept only inside a landline number."""
    phone = re.sub(r"[\s()]", "", raw or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
    digits = phone.replace("-", "")
    return digits if MOBILE.match(digits) else phone


def region_in_force(region: Region, year: int) -> bool:
    """Whether ``region`` is a valid code in ``year``: ``valid_to`` is the year it was abolished (the
    convention of the region table, whose current codes have none)."""
    if region.valid_from is not None and region.valid_from > year:
        return False
    return region.valid_to is None or region.valid_to > year


def check_region(code: str, *, year: int | None = None) -> Region:
    """The county-level region of ``code`` in force in ``year`` (default: now); DomainError otherwise."""
    code = (code or "").strip()
    if not REGION_CODE.match(code):
        raise DomainError(
            "address_region_unknown", _("Choose a district (a six-digit region code)."), field="region_code"
        )
    if code.endswith("00"):
        raise DomainError(
            "address_region_not_county",
            _("Choose the district or county, not the city or province."),
            field="region_code",
        )
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError(
            "address_region_unknown",
            _("There is no region with code %(code)s.") % {"code": code},
            field="region_code",
        )
    if not region_in_force(region, year or timezone.localdate().year):
        raise DomainError(
            "address_region_retired",
            _("%(name)s (%(code)s) is no longer a valid region; choose the district it now belongs to.")
            % {"name": region.name, "code": code},
            field="region_code",
        )
    return region


def validate(data: dict[str, Any], *, year: int | None = None) -> tuple[Address, Region]:
    """Check an address as typed; every problem is reported at once (``ValidationFailed``)."""
    errors: list[DomainError] = []
    name = str(data.get("name") or "").strip()
    if not name:
        errors.append(DomainError("address_name_required", _("Enter the recipient's name."), field="name"))
    elif len(name) > NAME_MAX:
        errors.append(
            DomainError(
                "address_name_too_long",
                _("The name may have at most %(max)s characters.") % {"max": NAME_MAX},
                field="name",
            )
        )
    phone = normalise_phone(str(data.get("phone") or ""))
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors.append(
            DomainError(
                "address_phone_invalid",
                _("Enter a mobile number (11 digits) or a landline with its area code."),
                field="phone",
            )
        )
    region: Region | None = None
    try:
        region = check_region(str(data.get("region_code") or ""), year=year)
    except DomainError as exc:
        errors.append(exc)
    detail = " ".join(str(data.get("detail") or "").split())
    if not DETAIL_MIN <= len(detail) <= DETAIL_MAX:
        errors.append(
            DomainError(
                "address_detail_invalid",
                _("Enter the street, number and room (%(min)s to %(max)s characters).")
                % {"min": DETAIL_MIN, "max": DETAIL_MAX},
                field="detail",
            )
        )
    postcode = str(data.get("postcode") or "").strip()
    if not POSTCODE.match(postcode):
        errors.append(
            DomainError("address_postcode_invalid", _("A postcode has six digits."), field="postcode")
        )
    if errors:
        raise ValidationFailed([_prefixed(e) for e in errors])
    assert region is not None
    return Address(name, phone, region.code, detail, postcode), region


def _prefixed(exc: DomainError) -> DomainError:
    """Field names as the API sees them (``address.phone``)."""
    if exc.field and not exc.field.startswith("address."):
        exc.field = f"address.{exc.field}"
    return exc


def masked(address: dict[str, Any], region_name: str = "") -> dict[str, str]:
    """What a screen shows: family name, phone with the middle hidden, the start of the street."""
    detail = str(address.get("detail") or "")
    shown = detail[:DETAIL_SHOWN] + ("****" if len(detail) > DETAIL_SHOWN else "")
    return {
        "name": mask_name(address.get("name")),
        "phone": mask_mobile(address.get("phone")),
        "region_code": str(address.get("region_code") or ""),
        "region_name": region_name,
        "detail": shown,
        "postcode": str(address.get("postcode") or ""),
    }
