from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "tongban.ratings"
    verbose_name = _("Ratings (好差评)")

    def ready(self) -> None:
        # Policies register themselves on import; the notification templates are this app's own.
        from tongban.notifications.messages import register
        from tongban.ratings import policies  # noqa: F401
        from tongban.ratings.messages import TEMPLATES

        register(TEMPLATES)
