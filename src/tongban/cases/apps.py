from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from tongban.cases import policies  # noqa: F401 - registers authorization policies
