"""The payer's pages and the sandbox provider's pages, mounted at ``/payments/``."""

from django.urls import path

from tongban.payments import views

app_name = "payments"

urlpatterns = [
    path("cases/<str:case_no>/pay/", views.pay, name="pay"),
    path("orders/<str:order_id>/", views.order_page, name="order"),
    path("receipts/<str:number>/", views.receipt_page, name="receipt"),
    path("sandbox/cashier/<str:token>/", views.sandbox_cashier, name="sandbox_cashier"),
    path("sandbox/bank/<str:token>/", views.sandbox_bank, name="sandbox_bank"),
]
