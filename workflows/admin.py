from django.contrib import admin

from .models import RoutingProfile


@admin.register(RoutingProfile)
class RoutingProfileAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "branch", "valid_from", "valid_to"]
