"""Staff pages of servicedesk, mounted at ``/workbench/servicedesk/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "servicedesk_workbench"

urlpatterns: list[URLPattern] = []
