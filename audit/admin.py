"""The audit log in the admin: read only, for everyone."""

from django.contrib import admin

from audit.models import Event


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """For records that change only through audited code (events, nominations, holds): list and view, no more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = [
        "seq",
        "at",
        "action",
        "actor_name",
        "on_behalf_of_name",
        "object_type",
        "object_id",
        "org_unit",
    ]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["=seq", "actor_name", "object_id", "org_unit", "org_path", "comment"]
    date_hierarchy = "at"
    show_full_result_count = False

