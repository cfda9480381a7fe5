from django.contrib import admin

from .models import CouncilRule, RoutingProfile


@admin.register(RoutingProfile)
class RoutingProfileAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "branch", "valid_from", "valid_to"]


@admin.register(CouncilRule)
class CouncilRuleAdmin(admin.ModelAdmin):
    list_display = ["level", "award", "quorum_percent", "threshold_percent", "threshold_base", "valid_from", "valid_to"]
    list_filter = ["level"]
