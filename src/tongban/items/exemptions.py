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
    licence, resource, issuer = kind.license_type, kind.data_resource, kind.issuing_department
    if licence is not None and licence.available_electronically:
        return Exemption(
            True,
            "e_license",
            _("Fetched from the electronic licence library (%(name)s) with your consent.")
            % {"name": licence.name},
        )
    if resource is not None and resource.shared:
        return Exemption(
            True,
            "shared_data",
            _("Obtained through data sharing from %(provider)s (%(name)s).")
            % {"provider": resource.provider.name, "name": resource.name},
        )
    if kind.source == MaterialSource.CITY_ISSUED and issuer is not None:
        return Exemption(
            True,
            "city_issued",
            _("Issued by %(department)s, a department of this city: it is obtained between departments.")
            % {"department": issuer.name},
        )
    return NOT_EXEMPT


def material_exemption(material: Material) -> Exemption:
    if material.must_submit_reason.strip():
        return NOT_EXEMPT
    return kind_exemption(material.kind)


def could_be_exempted_by(kind: MaterialKind) -> str:
    """For analysts: what would make this kind exempt (``license_type:<code>`` ...), or "" if nothing."""
    licence, resource = kind.license_type, kind.data_resource
    if licence is not None and not licence.available_electronically:
        return f"license_type:{licence.code}"
    if resource is not None and not resource.shared:
        return f"data_resource:{resource.code}"
    return ""
