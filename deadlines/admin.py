from django.contrib import admin

from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason"]
    list_filter = ["is_working_day"]
