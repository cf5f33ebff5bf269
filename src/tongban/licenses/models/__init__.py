"""Models of the electronic-licence library (电子证照库). One module per concern; import from here."""

from tongban.licenses.models.corrections import Correction, CorrectionEvent
from tongban.licenses.models.imports import LicenseImport
from tongban.licenses.models.library import License, LicenseVersion, StatusListRecord
from tongban.licenses.models.quality import QualityFinding, QualityScanRun
from tongban.licenses.models.reuse import Consent, LicenseAccess, Presentation
from tongban.licenses.models.types import LicenseType

__all__ = [
    "Consent",
    "Correction",
    "CorrectionEvent",
    "License",
    "LicenseAccess",
    "LicenseImport",
    "LicenseType",
    "LicenseVersion",
    "Presentation",
    "QualityFinding",
    "QualityScanRun",
    "StatusListRecord",
]
