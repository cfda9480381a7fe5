from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import ReadOnlyModelAdmin
from roles.admin_audit import AuditedAdmin

from .models import AwardRule, AwardType, Criterion, Hold, Movement, Nomination, Nominee, Round
from .personal_data import mask_identity


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


class NomineeAdminForm(forms.ModelForm):
    """The identity number is never shown (Decree 13/2023; an audited read is the nomination page's "reveal"): a
    number typed replaces it, an empty box keeps it."""

    identity_number = forms.CharField(
        label=_("số định danh"), required=False, max_length=32,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Được ẩn (dữ liệu cá nhân). Để trống: giữ số đang lưu; nhập số mới để thay."))

    class Meta:
        model = Nominee
        fields = ["kind", "name", "identity_number", "unit"]

    def clean_identity_number(self):
        return self.cleaned_data["identity_number"].strip() or self.instance.identity_number


@admin.register(Nominee)
class NomineeAdmin(AuditedAdmin):
    form = NomineeAdminForm
    list_display = ["name", "kind", "masked_identity_number", "unit"]
    search_fields = ["name", "=identity_number"]  # a whole number finds its record; a part finds nothing
    list_filter = ["kind"]

    @admin.display(description=_("số định danh"))
    def masked_identity_number(self, nominee):
        return mask_identity(nominee.identity_number)


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
    exclude = ["note", "clear_note"]  # personal data: read through the nomination page's audited "reveal"

