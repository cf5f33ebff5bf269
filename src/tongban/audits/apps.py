from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "tongban.audits"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from tongban.audits import policies  # noqa: F401
