from django.contrib import admin

from tongban.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("template", "recipient", "channel", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status", "template")
    readonly_fields = [f.name for f in Notification._meta.fields]
    search_fields = ("template", "idempotency_key", "provider_ref")
