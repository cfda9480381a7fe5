from django.contrib import admin

from audit.admin import ReadOnlyModelAdmin
from roles.admin_audit import AuditedAdmin

from .models import AwardRule, AwardType, Criterion, Hold, Movement, Nomination, Nominee, Round


@admin.register(AwardType)
class AwardTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "deciding_level", "valid_from", "valid_to"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Movement)
class MovementAdmin(AuditedAdmin):
    list_display = ["code", "name", "decision", "period_start", "period_end"]
    inlines = [CriterionInline]


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "period_start", "period_end", "opens_on", "closes_on"]


@admin.register(Nominee)
class NomineeAdmin(AuditedAdmin):
    list_display = ["name", "kind", "identity_number", "unit"]
    search_fields = ["name", "identity_number"]
    list_filter = ["kind"]


@admin.register(Nomination)
class NominationAdmin(AuditedAdmin, ReadOnlyModelAdmin):
    """Read-only: nominations change only through the workflow actions."""

    list_display = ["pk", "nominee", "award", "round", "submitting_unit", "status"]
    list_filter = ["status", "award", "round"]



@admin.register(AwardRule)
class AwardRuleAdmin(AuditedAdmin):
    list_display = ["award", "deciding_level", "valid_from", "valid_to", "basis"]
    list_filter = ["award"]


@admin.register(Hold)
class HoldAdmin(AuditedAdmin, ReadOnlyModelAdmin):
    """Read-only: holds are placed and cleared through workflows.actions.place_hold / clear_hold (audited)."""

    list_display = ["nominee", "reason", "placed_by", "placed_at", "cleared_at"]
    list_filter = ["reason"]

