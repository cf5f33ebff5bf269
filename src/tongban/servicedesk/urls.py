"""Public and applicant pages of servicedesk, mounted at ``/servicedesk/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "servicedesk"

urlpatterns: list[URLPattern] = []
