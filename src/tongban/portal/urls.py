from django.urls import path

from tongban.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("display/large-text/", views.toggle_large_text, name="large_text"),
    path("me/", views.me, name="me"),
    path("me/acting-for/", views.acting_for, name="acting_for"),
    path("me/data-access/", views.data_access_log, name="data_access"),
    path("me/messages/", views.messages_inbox, name="messages"),
    path("me/messages/<int:note_id>/read/", views.mark_message_read, name="mark_message_read"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path(
        "me/representations/<int:rep_id>/revoke/", views.revoke_representation, name="revoke_representation"
    ),
]
