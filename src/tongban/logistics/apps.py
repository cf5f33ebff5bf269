from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "tongban.logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Policies and system checks register themselves on import.
        # Results going by post are booked as soon as they are issued.
        from tongban.cases.steps import on_issued
        from tongban.logistics import checks, policies  # noqa: F401

        # Carriers register themselves on import.
        from tongban.logistics.carriers import demo_ems  # noqa: F401
        from tongban.logistics.tasks import case_issued

        on_issued(case_issued)
