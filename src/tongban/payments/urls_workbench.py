"""Staff pages of payments, mounted at ``/workbench/payments/`` (see ``tongban.urls``)."""

from django.urls import path

from tongban.payments import views_workbench as views

app_name = "payments_workbench"

urlpatterns = [
    path("", views.orders_page, name="orders"),
    path("orders/<str:order_id>/", views.order_page, name="order"),
    path("refunds/", views.refunds_page, name="refunds"),
    path("mismatches/", views.mismatches_page, name="mismatches"),
    path("mismatches/<int:mismatch_id>/resolve/", views.resolve_mismatch, name="resolve"),
    path("reconcile/", views.run_reconciliation, name="reconcile"),
]
