"""两个免于提交: which materials an applicant need not hand in, and why.

A material is exempt when government already holds it: issued by a department of this city, held as an
electronic licence that the licence library shares, or available as shared data. A recorded legal
reason to hand it in anyway (``must_submit_reason``) overrides all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tongban.items.constants import MaterialSource
from tongban.items.models import Material, MaterialKind


@dataclass(frozen=True)
class Exemption:
    exempt: bool
    basis: str  # "city_issued" | "e_license" | "shared_data" | "" (not exempt)
    reason: str  # shown on the guide


NOT_EXEMPT = Exemption(False, "", "")


def kind_exemption(kind: MaterialKind) -> Exemption:
    if kind.license_type_id and kind.license_type.available_electronically:
        return Exemption(
            True,
            "e_license",
            _("Fetched from the electronic licence library (%(name)s) with your consent.")
            % {"name": kind.license_type.name},
        )
    if kind.data_resource_id and kind.data_resource.shared:
        return Exemption(
            True,
            "shared_data",
            _("Obtained through data sharing from %(provider)s (%(name)s).")
            % {"provider": kind.data_resource.provider.name, "name": kind.data_resource.name},
        )
    if kind.source == MaterialSource.CITY_ISSUED and kind.issuing_department_id:
        return Exemption(
            True,
            "city_issued",
            _("Issued by %(department)s, a department of this city: it is obtained between departments.")
            % {"department": kind.issuing_department.name},
        )
    return NOT_EXEMPT


def material_exemption(material: Material) -> Exemption:
    if material.must_submit_reason.strip():
        return NOT_EXEMPT
    return kind_exemption(material.kind)


def could_be_exempted_by(kind: MaterialKind) -> str:
    """For analysts: what would make this kind exempt (``license_type:<code>`` ...), or "" if nothing."""
    if kind.license_type_id and not kind.license_type.available_electronically:
        return f"license_type:{kind.license_type.code}"
    if kind.data_resource_id and not kind.data_resource.shared:
        return f"data_resource:{kind.data_resource.code}"
    return ""
