from django.contrib import admin

from roles.admin_audit import AuditedAdmin

from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdmin):
    list_display = ["date", "is_working_day", "reason"]
    list_filter = ["is_working_day"]
