"""Staff pages of ratings, mounted at ``/workbench/ratings/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "ratings_workbench"

urlpatterns: list[URLPattern] = []
