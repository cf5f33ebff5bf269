from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "tongban.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from tongban.payments import checks, policies  # noqa: F401

        # Providers register themselves on import.
        from tongban.payments.providers import sandbox  # noqa: F401
