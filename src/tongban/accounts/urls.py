from django.urls import path

from tongban.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
]
