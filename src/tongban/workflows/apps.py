from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "tongban.workflows"
    verbose_name = _("Case processes")
