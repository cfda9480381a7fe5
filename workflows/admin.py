from django.contrib import admin

from roles.admin_audit import AuditedAdmin

from .models import CouncilMember, CouncilRule, RoutingProfile


@admin.register(RoutingProfile)
class RoutingProfileAdmin(AuditedAdmin):
    list_display = ["code", "name", "branch", "valid_from", "valid_to"]


@admin.register(CouncilRule)
class CouncilRuleAdmin(AuditedAdmin):
    list_display = ["level", "award", "quorum_percent", "threshold_percent", "threshold_base", "valid_from", "valid_to"]
    list_filter = ["level"]


@admin.register(CouncilMember)
class CouncilMemberAdmin(AuditedAdmin):
    """Who sits on each unit's council and from when: a vote's number of members is counted from these rows."""

    list_display = ["org_unit", "full_name", "position", "title", "user", "valid_from", "valid_to"]
    list_filter = ["position", "org_unit__level"]
    search_fields = ["full_name", "org_unit__code", "org_unit__name", "user__username"]
    autocomplete_fields = ["org_unit", "user"]
    list_select_related = ["org_unit", "user"]
