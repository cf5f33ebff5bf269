from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tongban.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tongban.notifications import policies  # noqa: F401

        # Adapters register themselves on import.
        from tongban.notifications.adapters import demo, django_mail  # noqa: F401
