from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "tongban.servicedesk"
    verbose_name = _("Service desk (统一总客服)")
