from django.contrib import admin

from tongban.organizations.models import Department, Region, ServiceWindow


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "uscc", "level", "region", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_name", "uscc")


@admin.register(ServiceWindow)
class ServiceWindowAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "district", "is_comprehensive")
    list_filter = ("district", "is_comprehensive")
    search_fields = ("name", "address")
