"""Staff pages of servicedesk, mounted at ``/workbench/servicedesk/`` (see ``tongban.urls``)."""

from django.urls import path

from tongban.servicedesk import views_workbench as views

app_name = "servicedesk_workbench"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("call/", views.log_call, name="call"),
    path("knowledge/", views.knowledge_page, name="knowledge"),
    path("tickets/<str:number>/", views.ticket_page, name="ticket"),
]
