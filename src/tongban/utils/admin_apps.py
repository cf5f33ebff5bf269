from django.contrib.admin.apps import AdminConfig


class TongbanAdminConfig(AdminConfig):
    """The admin with tongban's site (shared sign-in with the staff second factor)."""

    default_site = "tongban.utils.admin_site.TongbanAdminSite"
