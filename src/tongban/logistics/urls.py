"""Pages of logistics, mounted at ``/logistics/`` (see ``tongban.urls``)."""

from django.urls import URLPattern, path

from tongban.logistics import views

app_name = "logistics"

urlpatterns: list[URLPattern] = [
    path("cases/<str:case_no>/", views.tracking, name="tracking"),
    path("attention/", views.attention, name="attention"),
]
