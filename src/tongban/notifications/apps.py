from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tongban.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tongban.notifications import policies  # noqa: F401
        from tongban.notifications.adapters import demo  # noqa: F401 - registers the demo SMS adapter
