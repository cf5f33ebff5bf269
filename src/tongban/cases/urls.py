"""The applicant's case pages (办件), mounted at ``/cases/``."""

from django.urls import URLPattern, path

from tongban.cases.views import applicant, applicant_case

app_name = "cases"

urlpatterns: list[URLPattern] = [
    path("", applicant.my_cases, name="mine"),
    path("apply/<str:kind>/<str:code>/", applicant.apply, name="apply"),
    path("drafts/<uuid:uid>/", applicant.draft, name="draft"),
    path("drafts/<uuid:uid>/delete/", applicant.draft_delete, name="draft_delete"),
    path("<str:case_no>/", applicant_case.detail, name="detail"),
    path("<str:case_no>/supplement/", applicant_case.supplement, name="supplement"),
    path("<str:case_no>/withdraw/", applicant_case.withdraw, name="withdraw"),
]
