"""Reads of the quality findings for statistics: counts per department, licence type, check, severity.

Findings are written by the scan (:mod:`tongban.licenses.services.quality`); the workbench queue is in
:mod:`tongban.licenses.query_corrections`. Pass the departments a principal may see (e.g.
:func:`tongban.licenses.query.staff_departments`); ``None`` means every department (platform statistics).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.functional import Promise

from tongban.licenses.constants import FindingCheck, FindingStatus, Severity
from tongban.licenses.models import QualityFinding, QualityScanRun

SEVERITY_ORDER: dict[str, int] = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class FindingCount:
    department_id: int
    department_name: str
    license_type_id: int
    license_type_name: str
    rule: str
    severity: str
    count: int

    @property
    def rule_label(self) -> str | Promise:
        return FindingCheck(self.rule).label

    @property
    def severity_label(self) -> str | Promise:
        return Severity(self.severity).label


def _scoped(department_ids: Iterable[int] | None, status: str) -> QuerySet[QualityFinding]:
    findings = QualityFinding.objects.filter(status=status)
    if department_ids is not None:
        findings = findings.filter(department_id__in=list(department_ids))
    return findings


def findings_summary(
    department_ids: Iterable[int] | None = None, *, status: str = FindingStatus.OPEN
) -> list[FindingCount]:
    """Findings (open by default) counted per department, licence type, check and severity: errors
    first, then by count. One grouped query over the ``finding_queue`` index."""
    rows = (
        _scoped(department_ids, status)
        .values(
            "department_id", "department__name", "license_type_id", "license_type__name", "rule", "severity"
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = [
        FindingCount(
            department_id=row["department_id"],
            department_name=row["department__name"],
            license_type_id=row["license_type_id"],
            license_type_name=row["license_type__name"],
            rule=row["rule"],
            severity=row["severity"],
            count=row["count"],
        )
        for row in rows
    ]
    return sorted(
        counts, key=lambda c: (SEVERITY_ORDER.get(c.severity, 9), -c.count, c.department_id, c.rule)
    )


def last_scan() -> QualityScanRun | None:
    return QualityScanRun.objects.order_by("-started_at").first()
