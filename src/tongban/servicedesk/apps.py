from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "tongban.servicedesk"
    verbose_name = _("Service desk (统一总客服)")

    def ready(self) -> None:
        from tongban.notifications.messages import register
        from tongban.servicedesk import policies  # noqa: F401  (registers the authorisation policies)
        from tongban.servicedesk.messages import TEMPLATES

        register(TEMPLATES)
