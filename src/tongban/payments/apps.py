from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "tongban.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Policies, system checks and providers register themselves on import.
        from tongban.cases.steps import register_payment_step
        from tongban.payments import checks, policies  # noqa: F401
        from tongban.payments.providers import sandbox  # noqa: F401
        from tongban.payments.step import CasePaymentStep

        # The case process's paying step (cases does not depend on payments).
        register_payment_step(CasePaymentStep())
