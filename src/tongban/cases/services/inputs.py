"""What an application is made of: the applicant, the form and material inputs (shared by services)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from tongban.accounts.models import LegalPerson, NaturalPerson, User
from tongban.cases.constants import (
    DeliveryMethod,
)
from tongban.licenses.constants import HolderCodeType
from tongban.licenses.constants import HolderKind as LicenseHolderKind
from tongban.licenses.holders import Holder

SYSTEM_NAME = "tongban-cases"


@dataclass
class MaterialInput:
    kind: str  # material kind code
    upload: str = ""  # Upload uid
    presentation: str = ""  # a licence presentation token scanned at the window


@dataclass
class Application:
    target_kind: str
    target_code: str
    form: dict[str, Any] = field(default_factory=dict)
    situations: list[str] = field(default_factory=list)
    materials: list[MaterialInput] = field(default_factory=list)
    consents: list[str] = field(default_factory=list)  # material kind or licence type codes
    delivery_method: str = DeliveryMethod.ELECTRONIC

    def fingerprint(self, contents: dict[str, str] | None = None) -> str:
        """Hash of the request, to tell a retry from a different request reusing a key.

        Files count by content (``contents``: upload id → SHA-256), so a retry that uploaded the same
        file again is still the same request.
        """
        contents = contents or {}
        body = json.dumps(
            {
                "k": self.target_kind,
                "c": self.target_code,
                "f": self.form,
                "s": sorted(self.situations),
                "m": sorted(
                    (m.kind, contents.get(m.upload, m.upload), m.presentation) for m in self.materials
                ),
                "x": sorted(self.consents),
                "d": self.delivery_method,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class Applicant:
    """On whose behalf a case is made: a person, or a legal person through a person who represents it."""

    user: User
    person: NaturalPerson
    acting_for: LegalPerson | None

    @property
    def holder(self) -> Holder:
        if self.acting_for is not None:
            lp = self.acting_for
            return Holder(LicenseHolderKind.LEGAL_PERSON, HolderCodeType.USCC, lp.uscc, lp.name)
        p = self.person
        return Holder(LicenseHolderKind.NATURAL_PERSON, HolderCodeType.RESIDENT_ID, p.id_number, p.real_name)

    @property
    def person_holder(self) -> Holder:
        p = self.person
        return Holder(LicenseHolderKind.NATURAL_PERSON, HolderCodeType.RESIDENT_ID, p.id_number, p.real_name)
