import knox.admin  # noqa: F401 - registered first, so that it can be replaced below
from django.contrib import admin
from knox.models import AuthToken

# knox's own admin would mint a token for any user and show its key (then act as them, and the audit log would name
# them), and shows the start of every key; this one lists who holds a token and until when, and revokes (deletes).
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class IssuedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    ordering = ["-created"]
    fields = readonly_fields = ["user", "created", "expiry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
