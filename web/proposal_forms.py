"""The forms of the tờ trình pages: parse and type-check only; the rules are proposals.actions'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nominations.models import Round
from proposals.actions import BULK_ACTIONS
from roles.models import OrgUnit


class ProposalCreateForm(forms.Form):
    issuing_unit = forms.ModelChoiceField(label=_("Đơn vị trình"), queryset=OrgUnit.objects.none())
    round = forms.ModelChoiceField(label=_("Đợt"), queryset=Round.objects.all())
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = units


class SubmitForm(forms.Form):
    number = forms.CharField(label=_("Số tờ trình"), max_length=64, required=False,
                             help_text=_("Để trống: số do hệ thống cấp."))
    date = forms.DateField(label=_("Ngày tờ trình"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


ACTION_LABELS = {"approve": _("Đồng ý (chuyển tiếp hoặc quyết định khen thưởng)"), "return": _("Trả lại"),
                 "reject": _("Không đồng ý")}


class ReviewForm(forms.Form):
    action = forms.ChoiceField(label=_("Thao tác với các hồ sơ đã chọn"),
                               choices=[(a, ACTION_LABELS[a]) for a in BULK_ACTIONS])
    comment = forms.CharField(label=_("Ý kiến"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Lý do (bắt buộc khi trả lại hoặc không đồng ý)"), max_length=4000, required=False)
    number = forms.CharField(label=_("Số tờ trình của cấp mình (khi trình lên)"), max_length=64, required=False)
    decision_number = forms.CharField(label=_("Số quyết định (khi khen thưởng)"), max_length=64, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) theo mẫu"))
