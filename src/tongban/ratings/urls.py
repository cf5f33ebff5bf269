"""Public and applicant pages of ratings, mounted at ``/ratings/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "ratings"

urlpatterns: list[URLPattern] = []
