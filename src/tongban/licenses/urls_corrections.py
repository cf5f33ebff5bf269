"""Licence error reports (纠错): the holder's pages under ``/licenses/``, the workbench's under
``/licenses/workbench/`` (issuing departments and window staff)."""

from django.urls import URLPattern, path

from tongban.licenses.views import corrections, corrections_workbench

urlpatterns: list[URLPattern] = [
    path("wallet/<int:license_id>/correct/", corrections.correction_new, name="correction_new"),
    path("corrections/", corrections.my_corrections, name="my_corrections"),
    path("corrections/<int:correction_id>/", corrections.correction_detail, name="correction_detail"),
    path(
        "corrections/<int:correction_id>/evidence/",
        corrections.correction_evidence,
        name="correction_evidence",
    ),
    path("workbench/corrections/", corrections_workbench.staff_corrections, name="staff_corrections"),
    path(
        "workbench/corrections/report/",
        corrections_workbench.staff_correction_new,
        name="staff_correction_new",
    ),
    path(
        "workbench/corrections/<int:correction_id>/",
        corrections_workbench.staff_correction,
        name="staff_correction",
    ),
    path("workbench/findings/", corrections_workbench.staff_findings, name="staff_findings"),
    path(
        "workbench/findings/<int:finding_id>/settle/",
        corrections_workbench.staff_finding_settle,
        name="staff_finding_settle",
    ),
    path("workbench/license-stats/", corrections_workbench.staff_stats, name="staff_license_stats"),
]
