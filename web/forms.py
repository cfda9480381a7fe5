"""The web forms: they parse and validate input, then the views hand the cleaned data to the actions."""

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nominations.models import AwardType, BkTtgPath, DocumentKind, HoldReason, NomineeKind, Round, Status
from roles.models import Level, OrgUnit
from workflows.labels import event_choices
from workflows.registry import Action


class DayInput(forms.DateInput):
    """A date typed as dd/mm/yyyy in a text box. Not <input type="date">: that one shows the browser's locale
    (mm/dd/yyyy in an English browser), whatever the page's language."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                                "maxlength": 10, "size": 10, **(attrs or {})}, format="%d/%m/%Y")


class DayField(forms.DateField):
    """A date as people write it, day first, in every language: dd/mm/yyyy (ISO 8601 too, for links)."""

    widget = DayInput
    input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Hãy nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 02/01/2027.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Ngày/tháng/năm, ví dụ 02/01/2027."))
        super().__init__(**kwargs)


class NominationCreateForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Đợt thi đua"), queryset=Round.objects.none(), to_field_name="code")
    award = forms.ModelChoiceField(label=_("Hình thức khen thưởng"), queryset=AwardType.objects.none(),
                                   to_field_name="code")
    submitting_unit = forms.ModelChoiceField(label=_("Đơn vị đề nghị"), queryset=OrgUnit.objects.none(),
                                             to_field_name="code")
    nominee_kind = forms.ChoiceField(label=_("Loại đối tượng"), choices=NomineeKind.choices)
    nominee_name = forms.CharField(label=_("Tên đối tượng"), max_length=255)
    identity_number = forms.CharField(label=_("Số định danh (nếu có)"), max_length=32, required=False)
    nominee_details = forms.CharField(label=_("Thông tin thêm (chức vụ, địa chỉ…)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    achievement = forms.CharField(label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 5}))
    path = forms.ChoiceField(label=_("Diện đề nghị Bằng khen của Thủ tướng"), choices=BkTtgPath.choices,
                             initial=BkTtgPath.MOVEMENT, required=False,
                             help_text=_("Chỉ áp dụng với Bằng khen của Thủ tướng Chính phủ."))

    def __init__(self, *args, proposer_units, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["round"].queryset = Round.objects.filter(opens_on__lte=today, closes_on__gte=today).order_by("code")
        self.fields["award"].queryset = AwardType.objects.valid_on(today).order_by("order", "code")
        self.fields["submitting_unit"].queryset = proposer_units
        if len(proposer_units) == 1:
            self.fields["submitting_unit"].initial = proposer_units[0].code

    def clean_path(self):
        return self.cleaned_data["path"] or BkTtgPath.MOVEMENT


class NominationEditForm(forms.Form):
    achievement = forms.CharField(label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 5}))
    nominee_details = forms.CharField(label=_("Thông tin thêm về đối tượng"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria, answers, **kwargs):
        """One pair of fields per criterion: met (a checkbox) and the evidence (a sentence or two)."""
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            answer = answers.get(criterion.pk)
            self.fields[f"met_{criterion.code}"] = forms.BooleanField(
                label=_("Đạt"), required=False, initial=answer.met if answer else False
            )
            self.fields[f"note_{criterion.code}"] = forms.CharField(
                label=_("Minh chứng"), required=False, max_length=2000, initial=answer.note if answer else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_rows(self):
        return [(c, self[f"met_{c.code}"], self[f"note_{c.code}"]) for c in self.criteria]

    def answers(self) -> list[dict]:
        return [
            {"code": c.code, "met": self.cleaned_data[f"met_{c.code}"], "note": self.cleaned_data[f"note_{c.code}"]}
            for c in self.criteria
        ]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Tệp (PDF, ảnh JPG/PNG, Word, Excel)"))
    replaces = forms.ModelChoiceField(label=_("Thay cho tài liệu (nếu có)"), queryset=None, required=False,
                                      empty_label=_("Không thay: thêm tài liệu mới"),
                                      help_text=_("Tài liệu được thay bị xóa khỏi hồ sơ; tài liệu mới giữ loại của nó."))

    def __init__(self, *args, documents=None, **kwargs):
        """`documents`: those the new file may replace (the proposer's editable dossier); none: no such field."""
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.size_limit()
        if documents is None or not documents.exists():
            del self.fields["replaces"]
        else:
            self.fields["replaces"].queryset = documents.order_by("uploaded_at", "pk")
            self.fields["replaces"].label_from_instance = lambda d: f"{d.original_name} ({d.get_kind_display()})"

    @staticmethod
    def size_limit() -> str:
        return gettext("Tối đa %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}


class ActionForm(forms.Form):
    """The comment and reason of a review decision; `stage` pins the step the reviewer saw (stale → 409)."""

    stage = forms.IntegerField(required=False, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Ý kiến"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    decision_number = forms.CharField(label=_("Số quyết định (để trống để hệ thống cấp)"), required=False,
                                      max_length=64)
    decision_date = DayField(label=_("Ngày quyết định"), required=False)

    def __init__(self, *args, action: Action, final: bool, **kwargs):
        """`action`: the registry's entry; the form carries the fields it takes (the decision's when `final`)."""
        super().__init__(*args, **kwargs)
        taken = action.fields(final=final)
        for name in ("comment", "reason", "decision_number", "decision_date"):
            if name not in taken:
                del self.fields[name]
            elif name in action.requires:
                self.fields[name].required = True
        # "Ý kiến" and "Lý do" side by side read alike: say who reads each and what it is for.
        if "reason" in self.fields:
            self.fields["reason"].help_text = REASON_HELP.get(action.name, "")
            self.fields["reason"].label = REASON_LABEL.get(action.name, self.fields["reason"].label)
        if "comment" in self.fields:
            self.fields["comment"].help_text = _("Không bắt buộc. Ghi vào quá trình xử lý của hồ sơ; mọi người xem "
                                                 "được hồ sơ đều đọc được.")


REASON_LABEL = {"return": _("Lý do trả lại"), "reject": _("Lý do không đồng ý"), "withdraw": _("Lý do rút hồ sơ")}
REASON_HELP = {
    "return": _("Bắt buộc. Điều cần sửa hoặc bổ sung: hiện ở đầu hồ sơ và trong thông báo gửi cấp nhận lại hồ sơ."),
    "reject": _("Bắt buộc. Vì sao không khen thưởng: ghi vào quá trình xử lý và gửi kèm thông báo."),
    "withdraw": _("Không bắt buộc. Ghi vào quá trình xử lý của hồ sơ."),
}


class CouncilVoteForm(forms.Form):
    """The council's secretary records its vote; the number of members comes from the council's membership. The
    minutes are chosen among those attached at this step, or uploaded here (with none attached, only that)."""

    stage = forms.IntegerField(widget=forms.HiddenInput)
    meeting_date = DayField(label=_("Ngày họp Hội đồng"), required=False)
    present = forms.IntegerField(label=_("Số thành viên có mặt"), min_value=0)
    votes_for = forms.IntegerField(label=_("Số phiếu tán thành"), min_value=0)
    minutes = forms.ModelChoiceField(label=_("Biên bản họp Hội đồng (tài liệu đã đính kèm ở bước này)"),
                                     queryset=None, empty_label=None, required=False)
    minutes_file = forms.FileField(label=_("Hoặc tải lên biên bản họp khác"), required=False,
                                   help_text=_("Để trống để dùng biên bản đã chọn ở trên."))

    def __init__(self, *args, minutes, **kwargs):
        """`minutes`: the minutes documents attached since the stage opened (selectors.council_minutes)."""
        super().__init__(*args, **kwargs)
        self.fields["minutes"].queryset = minutes
        self.fields["minutes_file"].help_text = format_html(
            "{} {}", self.fields["minutes_file"].help_text, DocumentForm.size_limit())
        if not minutes.exists():
            del self.fields["minutes"]
            self.fields["minutes_file"].required = True
            self.fields["minutes_file"].label = _("Biên bản họp Hội đồng và kết quả bỏ phiếu (tệp)")
            self.fields["minutes_file"].help_text = format_html(
                "{} {}", gettext("Chưa có biên bản họp nào được đính kèm ở bước này: chọn tệp biên bản ở đây, hệ "
                                 "thống đính kèm nó vào hồ sơ cùng kết quả bỏ phiếu."), DocumentForm.size_limit())
            self.fields["minutes_file"].error_messages["required"] = self.no_minutes()

    @staticmethod
    def no_minutes() -> str:
        return gettext("Hãy chọn tệp biên bản họp Hội đồng để tải lên: chưa có biên bản nào được đính kèm ở bước "
                       "này.")

    def clean(self):
        data = super().clean()
        if data.get("minutes_file"):
            data["minutes"] = None  # an upload replaces the choice
        elif not data.get("minutes") and "minutes_file" not in self.errors:
            self.add_error("minutes_file", self.no_minutes())
        return data


class HoldForm(forms.Form):
    """G4: flag the nominee; the document is the basis (a decision to discipline, investigate, a complaint)."""

    reason = forms.ChoiceField(label=_("Lý do tạm dừng"), choices=HoldReason.choices)
    file = forms.FileField(label=_("Văn bản làm căn cứ"))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DuplicateResolveForm(forms.Form):
    """G3: the level above both units keeps one of two nominations of one citizen for one achievement."""

    keep = forms.TypedChoiceField(label=_("Giữ hồ sơ"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Căn cứ"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, flag, **kwargs):
        super().__init__(*args, prefix=f"flag-{flag.pk}", **kwargs)
        self.flag, self.nominations = flag, (flag.first, flag.second)
        self.fields["keep"].choices = [
            (n.pk, f"#{n.pk} – {n.submitting_unit.name} – {n.award.code}") for n in self.nominations
        ]


class ClearHoldForm(forms.Form):
    note = forms.CharField(label=_("Căn cứ gỡ tạm dừng"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class Select(forms.Select):
    """A single select rendered in Python, the same HTML as Django's: Django renders each option through two
    template includes, a large part of a list page's time. Option groups and multiple
    selects, which the filters do not use, take Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if self.allow_multiple_selected or any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((str(option["value"]), flatatt(option["attrs"]), option["label"])
             for _group, group_options, _index in widget["optgroups"] for option in group_options),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


# A unit typed by name, completed from /units/suggest/ (static/js/unit-suggest.js fills the datalist).
UNIT_INPUT = forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off", "data-unit-suggest": ""})


def _choices_with_all(choices):
    return [("", _("Tất cả")), *choices]


class FilterForm(forms.Form):
    @property
    def has_filters(self) -> bool:
        """Whether a filter other than the search box is set (the filters panel is then shown open)."""
        return any(self.data.get(name) for name in self.fields if name != "q")


class InboxFilterForm(FilterForm):
    award = forms.ModelChoiceField(label=_("Hình thức"), queryset=AwardType.objects.order_by("order", "code"),
                                   to_field_name="code", required=False, empty_label=_("Tất cả"), widget=Select)
    round = forms.ModelChoiceField(label=_("Đợt"), queryset=Round.objects.order_by("code"), to_field_name="code",
                                   required=False, empty_label=_("Tất cả"), widget=Select)
    level = forms.TypedChoiceField(label=_("Cấp"), choices=_choices_with_all(Level.choices), coerce=int,
                                   required=False, empty_value=None, widget=Select)


class NominationFilterForm(InboxFilterForm):
    level = None
    status = forms.ChoiceField(label=_("Trạng thái"), choices=_choices_with_all(Status.choices), required=False,
                               widget=Select)
    unit = forms.CharField(label=_("Đơn vị đề nghị (gõ tên để chọn)"), required=False, max_length=255,
                           widget=UNIT_INPUT)
    q = forms.CharField(label=_("Tìm theo tên, thành tích hoặc số hồ sơ"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: Nguyễn Thị Hằng")}),
                        help_text=_("Không cần gõ dấu, không phân biệt chữ hoa, chữ thường."))


class AuditFilterForm(FilterForm):
    since = DayField(label=_("Từ ngày"), required=False)
    until = DayField(label=_("Đến ngày"), required=False)
    actor = forms.CharField(label=_("Người thực hiện (họ tên)"), required=False, max_length=150,
                            help_text=_("Không cần gõ dấu, không phân biệt chữ hoa, chữ thường."))
    action = forms.ChoiceField(label=_("Thao tác"), required=False, choices=event_choices, widget=Select)
    unit = forms.CharField(label=_("Đơn vị (gõ tên để chọn)"), required=False, max_length=255, widget=UNIT_INPUT)
    nomination = forms.IntegerField(label=_("Số hồ sơ"), required=False, min_value=1)
