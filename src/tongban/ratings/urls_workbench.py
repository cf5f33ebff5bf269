"""Staff pages of ratings, mounted at ``/workbench/ratings/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path

from tongban.ratings import views_workbench as views

app_name = "ratings_workbench"

urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("<int:rect_id>/", views.detail, name="detail"),
    path("windows/", views.windows, name="windows"),
    path("windows/<slug:code>/qr/", views.window_qr, name="window_qr"),
]
