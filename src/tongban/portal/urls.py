from django.urls import path

from tongban.portal import catalog_views, search_views, views

app_name = "portal"

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("services/", catalog_views.catalog, name="catalog"),
    path("services/departments/", catalog_views.departments, name="catalog_departments"),
    path("services/<str:code>/", catalog_views.item_guide, name="item_guide"),
    path("services/<str:code>/history/", catalog_views.item_history, name="item_history"),
    path("bundles/", catalog_views.bundle_list, name="bundles"),
    path("bundles/<slug:code>/", catalog_views.bundle_detail, name="bundle"),
    path("search/", search_views.search, name="search"),
    path("search/go/", search_views.search_go, name="search_go"),
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
