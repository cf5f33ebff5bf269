"""The requester's pages of servicedesk, mounted at ``/servicedesk/`` (see ``tongban.urls``)."""

from django.urls import path

from tongban.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("<str:number>/", views.detail, name="detail"),
]
