from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "tongban.utils"
    label = "tongban_utils"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from tongban.utils import checks  # noqa: F401 - registers system checks
