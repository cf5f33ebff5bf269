"""OAuth 2.0 / OpenID Connect provider endpoints (django-oauth-toolkit), under ``/o/``.

Only what a relying party needs is mounted. django-oauth-toolkit's self-service application pages,
device flow, introspection and dynamic registration are left out on purpose: clients are registered
by administrators in the admin.
"""

from django.urls import include, path, re_path

from oauth2_provider import views as dot_views

from tongban.sso import views

provider_patterns = [
    path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("token/", views.token_view, name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
]

urlpatterns = [
    # The namespace django-oauth-toolkit reverses its URLs in (discovery document, issuer).
    path("", include((provider_patterns, "oauth2_provider"))),
]
