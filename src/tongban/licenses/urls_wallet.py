"""The holder's licence wallet (我的证照) and the public verifier page (亮证核验)."""

from django.urls import URLPattern, path

from tongban.licenses.views import verifier, wallet

urlpatterns: list[URLPattern] = [
    path("wallet/", wallet.wallet, name="wallet"),
    path("wallet/access-log/", wallet.access_log, name="wallet_access_log"),
    path("wallet/consents/", wallet.consents, name="wallet_consents"),
    path(
        "wallet/consents/<int:consent_id>/withdraw/",
        wallet.withdraw_consent,
        name="wallet_consent_withdraw",
    ),
    path("wallet/<int:license_id>/", wallet.license_detail, name="wallet_license"),
    path("wallet/<int:license_id>/present/", wallet.present, name="wallet_present"),
    path("wallet/<int:license_id>/print/", wallet.print_license, name="wallet_print"),
    path("verify/", verifier.verify, name="verify"),
]
