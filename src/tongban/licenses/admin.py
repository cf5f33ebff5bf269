from django.contrib import admin

from tongban.licenses.models import LicenseType
from tongban.utils.admin_audit import AuditedAdmin


@admin.register(LicenseType)
class LicenseTypeAdmin(AuditedAdmin):
    list_display = ("name", "code", "issuing_department", "holder_kind", "available_electronically")
    list_filter = ("holder_kind", "available_electronically", "issuing_department")
    search_fields = ("name", "code")
