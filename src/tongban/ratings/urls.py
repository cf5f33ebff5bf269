"""Public and applicant pages of ratings, mounted at ``/ratings/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path

from tongban.ratings import views

app_name = "ratings"

urlpatterns: list[URLPattern] = [
    path("", views.board, name="board"),
    path("mine/", views.mine, name="mine"),
    path("cases/<str:case_no>/", views.rate, name="rate"),
    path("windows/<slug:code>/", views.window_visit, name="window"),
]
