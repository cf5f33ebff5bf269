from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tongban.accounts"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from tongban.accounts import policies  # noqa: F401 - registers authorization policies
