"""Web pages of the licence library: the holder's wallet and the public verifier (``urls_wallet``),
error reports and the departments' queues (``urls_corrections``)."""

from django.urls import include, path

app_name = "licenses"

urlpatterns = [
    path("", include("tongban.licenses.urls_wallet")),
    path("", include("tongban.licenses.urls_corrections")),
]
