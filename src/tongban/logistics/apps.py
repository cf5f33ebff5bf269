from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "tongban.logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        # Policies, system checks and carriers register themselves on import.
        from tongban.cases.steps import on_issued, register_postal_step
        from tongban.logistics import checks, policies  # noqa: F401
        from tongban.logistics.carriers import demo_ems  # noqa: F401
        from tongban.logistics.postal import ApplicationAddress
        from tongban.logistics.tasks import case_issued

        # Results going by post are booked as soon as they are issued.
        on_issued(case_issued)
        # The application form asks for the postal address when results go by post.
        register_postal_step(ApplicationAddress())
