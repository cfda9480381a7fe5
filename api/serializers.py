"""The API's shapes: catalogs by code, nominations, stages, routes, documents and audit events.

Output serializers only read; input serializers only parse and type-check. The rules themselves (who, when,
what is required) stay in workflows.actions, so the API and the pages refuse the same things the same way.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.models import Event
from nominations.models import (
    AwardRule,
    AwardType,
    BkTtgPath,
    Criterion,
    CriterionAnswer,
    Document,
    DocumentKind,
    DuplicateFlag,
    Hold,
    HoldReason,
    Movement,
    Nomination,
    NomineeKind,
    Round,
    Status,
)
from nominations.personal_data import mask_identity, mask_note, masked_comment, masked_data
from notifications.models import Notification
from roles.models import Level, OrgUnit, Role, RoleAssignment
from workflows.models import CouncilVote, Stage, Step
from workflows.registry import ACTION_NAMES


class ActionNameField(serializers.ChoiceField):
    """A public action name (the action registry's), for the schema: its choices are read when the schema is built."""

    choices = property(lambda self: {name: name for name in ACTION_NAMES}, serializers.ChoiceField._set_choices)

    def __init__(self, **kwargs):
        super().__init__(choices=(), **kwargs)

# --- catalogs ---------------------------------------------------------------------------------------------


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "level", "parent", "path", "valid_from", "valid_to", "successor"]


class AwardRuleSerializer(serializers.ModelSerializer):
    deciding_level = serializers.ChoiceField(choices=Level.choices, read_only=True)

    class Meta:
        model = AwardRule
        fields = ["deciding_level", "valid_from", "valid_to", "basis"]


class AwardSerializer(serializers.ModelSerializer):
    deciding_level = serializers.ChoiceField(
        choices=Level.choices, read_only=True, source="deciding_level_today",
        help_text=_("Cấp quyết định đối với hồ sơ lập hôm nay (theo quy định có hiệu lực, xem `rules`)."))
    required_documents = serializers.ListField(child=serializers.ChoiceField(choices=DocumentKind.choices),
                                               read_only=True)
    rules = AwardRuleSerializer(many=True, read_only=True)

    class Meta:
        model = AwardType
        fields = ["code", "name", "deciding_level", "required_documents", "valid_from", "valid_to", "rules"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["code", "group", "text"]


class MovementSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Movement
        fields = ["code", "name", "decision", "thematic", "period_start", "period_end", "criteria"]


class RoundSerializer(serializers.ModelSerializer):
    movement = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Round
        fields = ["code", "name", "kind", "movement", "period_start", "period_end", "opens_on", "closes_on"]


class RoleSerializer(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["org_unit", "role", "valid_from", "valid_to"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    roles = RoleSerializer(many=True, read_only=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Gửi kèm mỗi yêu cầu: `Authorization: Token …`. "
                                  "Chỉ trả về một lần; máy chủ chỉ giữ bản băm.")
    expiry = serializers.DateTimeField(read_only=True, help_text="Hết hạn lúc này (API_TOKEN_TTL_HOURS sau khi cấp).")


# --- nominations ------------------------------------------------------------------------------------------


class MaskedIdentityField(serializers.CharField):
    """An identity number, masked (all but its last three characters as "*"): read it whole, if your roles allow,
    with POST /api/nominations/{id}/personal-data/, which is audited."""

    def to_representation(self, value):
        return mask_identity(super().to_representation(value))


class MaskedNoteField(serializers.CharField):
    """A hold's note: "***" when there is one; read it with POST /api/nominations/{id}/personal-data/ (audited)."""

    def to_representation(self, value):
        return mask_note(super().to_representation(value))


class NomineeSerializer(serializers.Serializer):
    """The nominee as a nomination records them: who (the submitting unit's record) and the details the nomination
    gives. Plain fields, no model validators: a uniqueness check here would tell a caller that an identity number
    is recorded somewhere."""

    kind = serializers.ChoiceField(choices=NomineeKind.choices, source="nominee.kind")
    name = serializers.CharField(max_length=255, source="nominee.name")
    identity_number = MaskedIdentityField(max_length=32, required=False, allow_blank=True, default="",
                                          source="nominee.identity_number")
    details = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                    source="nominee_details")


class NomineeRequestSerializer(serializers.Serializer):
    """A nominee as a proposer names them: the submitting unit's record of this person is found or made."""

    kind = serializers.ChoiceField(choices=NomineeKind.choices)
    name = serializers.CharField(max_length=255)
    identity_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    details = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    met = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AnswerOutSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="criterion.code", read_only=True)

    class Meta:
        model = CriterionAnswer
        fields = ["code", "met", "note"]


class OpenStageSerializer(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    step = serializers.ChoiceField(choices=Step.choices, read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "level", "org_unit", "step", "opened_at", "due_at"]


class NominationSummarySerializer(serializers.ModelSerializer):
    """A nomination in a list: no per-row query (the selectors select_related what is read here)."""

    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    round = serializers.SlugRelatedField(slug_field="code", read_only=True)
    award = serializers.SlugRelatedField(slug_field="code", read_only=True)
    submitting_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    nominee = NomineeSerializer(source="*", read_only=True)
    path = serializers.ChoiceField(choices=BkTtgPath.choices, read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "status", "round", "award", "submitting_unit", "nominee", "path", "achievement",
                  "created_at", "updated_at", "submitted_at", "decision_number", "decision_date"]


class NominationSerializer(NominationSummarySerializer):
    """One nomination with its answers, its open stage and what the reader may do with it now.

    The view passes `stage`, `actions`, `may_edit` and `may_attach` in the context (from workflows.selectors)."""

    criteria = AnswerOutSerializer(source="answers", many=True, read_only=True)
    open_stage = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    may_edit = serializers.SerializerMethodField()
    may_attach = serializers.SerializerMethodField()

    class Meta(NominationSummarySerializer.Meta):
        fields = [*NominationSummarySerializer.Meta.fields, "criteria", "open_stage", "available_actions",
                  "may_edit", "may_attach"]

    @extend_schema_field(OpenStageSerializer(allow_null=True))
    def get_open_stage(self, nomination):
        stage = self.context["stage"]
        return OpenStageSerializer(stage).data if stage is not None else None

    @extend_schema_field(serializers.ListField(child=ActionNameField()))
    def get_available_actions(self, nomination):
        return self.context["actions"]

    def get_may_edit(self, nomination) -> bool:
        return self.context["may_edit"]

    def get_may_attach(self, nomination) -> bool:
        return self.context["may_attach"]


class CodeRelatedField(serializers.SlugRelatedField):
    """A catalog item by its code. A code with a NUL character is refused before the lookup (PostgreSQL cannot
    compare it: a DataError, which was a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class NominationCreateSerializer(serializers.Serializer):
    round = CodeRelatedField(slug_field="code", queryset=Round.objects.all())
    award = CodeRelatedField(slug_field="code", queryset=AwardType.objects.all())
    submitting_unit = CodeRelatedField(slug_field="code", queryset=OrgUnit.objects.all())
    nominee = NomineeRequestSerializer()
    achievement = serializers.CharField(max_length=20000)
    criteria = AnswerSerializer(many=True, required=False, default=list)
    path = serializers.ChoiceField(choices=BkTtgPath.choices, required=False, default=BkTtgPath.MOVEMENT,
                                   help_text=_("Chỉ áp dụng với Bằng khen của Thủ tướng Chính phủ."))


class NominationUpdateSerializer(serializers.Serializer):
    achievement = serializers.CharField(max_length=20000, required=False)
    nominee_details = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    criteria = AnswerSerializer(many=True, required=False)
    path = serializers.ChoiceField(choices=BkTtgPath.choices, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Không có gì để sửa: hãy gửi ít nhất một trường."))
        return attrs


class NominationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    award = serializers.CharField(max_length=32, required=False, help_text=_("Mã hình thức khen thưởng."))
    round = serializers.CharField(max_length=32, required=False, help_text=_("Mã đợt."))
    level = serializers.ChoiceField(choices=Level.choices, required=False,
                                    help_text=_("Cấp của bước xét duyệt đang mở."))
    unit = serializers.CharField(max_length=255, required=False,
                                 help_text=_("Mã hoặc tên đơn vị (không phân biệt dấu, hoa thường): hồ sơ do đơn vị "
                                             "này hoặc đơn vị cấp dưới đề nghị."))
    q = serializers.CharField(max_length=200, required=False,
                              help_text=_("Tìm theo tên đối tượng, thành tích (không phân biệt dấu, hoa thường) hoặc "
                                          "số hồ sơ."))


# --- the review -----------------------------------------------------------------------------------------


class ActionSerializer(serializers.Serializer):
    """What a review action may carry. Which fields an action requires is the action's rule (400 with the field)."""

    stage = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**62,
                                     help_text=_("Số của bước đang mở mà bạn xử lý (bắt buộc khi thẩm định, "
                                                 "quyết định); bước đã đóng → 409."))
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                   help_text=_("Bắt buộc khi trả lại hoặc không đồng ý."))
    reason_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decision_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None,
                                          help_text=_("Từ ngày trình hồ sơ lần đầu đến hôm nay; để trống: hôm nay."))


class CouncilVoteRequestSerializer(serializers.Serializer):
    """The council's vote as its secretary records it; the number of members comes from the council's membership."""

    stage = serializers.IntegerField(min_value=1, max_value=2**62,
                                     help_text=_("Số của bước quyết định đang mở; bước đã đóng → 409."))
    present = serializers.IntegerField(min_value=0, help_text=_("Số thành viên Hội đồng có mặt."))
    votes_for = serializers.IntegerField(min_value=0, help_text=_("Số phiếu tán thành."))
    minutes = serializers.IntegerField(min_value=1, max_value=2**62,
                                       help_text=_("Số của tài liệu biên bản họp Hội đồng, đính kèm ở bước này."))
    meeting_date = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text=_("Ngày họp Hội đồng; để trống: hôm nay."))


class CouncilVoteSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CouncilVote
        fields = ["id", "stage", "members", "present", "votes_for", "minutes", "meeting_date", "recorded_by",
                  "recorded_at"]
        read_only_fields = fields


class InboxFilterSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    award = serializers.CharField(required=False, max_length=32)
    round = serializers.CharField(required=False, max_length=32)
    level = serializers.ChoiceField(choices=Level.choices, required=False)


class StageSerializer(OpenStageSerializer):
    """An open stage in the inbox, with its nomination."""

    nomination = NominationSummarySerializer(read_only=True)
    days_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta(OpenStageSerializer.Meta):
        fields = [*OpenStageSerializer.Meta.fields, "days_left", "nomination"]


class RouteEntrySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Level.choices, source="stop.level")
    org_unit = serializers.CharField(source="stop.code")
    org_unit_name = serializers.CharField(source="unit_name")
    step = serializers.ChoiceField(choices=Step.choices, source="stop.step")
    state = serializers.ChoiceField(choices=[("done", "done"), ("current", "current"), ("planned", "planned")])


class DocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent as a part of a multipart body: binary in the schema, so a generated client sends the bytes (the
    schema's default for a FileField is a URI, the way a response would show it)."""


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = UploadField(help_text=_("PDF, ảnh JPG/PNG, Word, Excel; dung lượng có giới hạn."))


class HoldSerializer(serializers.ModelSerializer):
    placed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    cleared_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    note = MaskedNoteField(read_only=True)
    clear_note = MaskedNoteField(read_only=True)

    class Meta:
        model = Hold
        fields = ["id", "reason", "note", "original_name", "sha256", "placed_by", "placed_at", "cleared_by",
                  "cleared_at", "clear_note"]
        read_only_fields = fields


class RevealedHoldSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=HoldReason.choices)
    placed_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    clear_note = serializers.CharField(allow_blank=True)


class PersonalDataSerializer(serializers.Serializer):
    """The nominee's sensitive data, as much as the reader's roles allow (docs/personal-data.md)."""

    identity_number = serializers.CharField(allow_null=True, help_text=_(
        "Số định danh đầy đủ; null nếu vai trò của bạn không được xem."))
    holds = RevealedHoldSerializer(many=True, help_text=_(
        "Mọi lần tạm dừng của đối tượng với ghi chú; rỗng nếu vai trò của bạn không được xem."))


class HoldPlaceSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=HoldReason.choices)
    file = UploadField(help_text=_("Văn bản làm căn cứ (quyết định kỷ luật, điều tra, đơn khiếu nại)."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HoldClearSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text=_("Căn cứ gỡ tạm dừng (kết luận, quyết định)."))


# --- audit ------------------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["seq", "at", "action", "actor_name", "on_behalf_of_name", "object_type", "object_id", "org_unit",
                  "org_path", "from_status", "to_status", "comment", "data", "prev_hash", "hash"]
        read_only_fields = fields

    def to_representation(self, event):
        """A hold's note and a recorded identity number masked; the export carries them whole, for the chain."""
        shown = super().to_representation(event)
        shown["comment"] = masked_comment(event.action, shown["comment"])
        shown["data"] = masked_data(event.object_type, shown["data"])
        return shown


class EventFilterSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    actor = serializers.CharField(required=False, max_length=150,
                                  help_text=_("Họ tên (không phân biệt dấu, hoa thường) hoặc tên đăng nhập."))
    action = serializers.CharField(required=False, max_length=64)
    unit = serializers.CharField(required=False, max_length=64)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class DuplicateFlagSerializer(serializers.ModelSerializer):
    """A pair of nominations of one citizen for one achievement, from units that cannot see each other's records,
    before the level above both (G3)."""

    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    nominations = serializers.SerializerMethodField()
    kept = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = DuplicateFlag
        fields = ["id", "unit", "opened_at", "nominations", "resolved_at", "kept", "note"]
        read_only_fields = fields

    @extend_schema_field(NominationSummarySerializer(many=True))
    def get_nominations(self, flag):
        return NominationSummarySerializer([flag.first, flag.second], many=True).data


class DuplicateResolveSerializer(serializers.Serializer):
    keep = serializers.IntegerField(min_value=1, help_text=_("Số hồ sơ được giữ (một trong hai)."))
    note = serializers.CharField(max_length=4000, help_text=_("Căn cứ giữ hồ sơ này."))


class NotificationSerializer(serializers.ModelSerializer):
    """A notice to the signed-in user: a dossier waits, was returned, declined or awarded, a deadline nears or passed."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    nomination = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "nomination", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text=_("true: chỉ thông báo chưa đọc; false: chỉ thông báo đã đọc."))


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("Số thông báo chưa đọc."))


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False, max_length=500,
        help_text=_("Số của các thông báo cần đánh dấu đã đọc; bỏ trống để đánh dấu tất cả."))


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("Số thông báo vừa được đánh dấu đã đọc."))
    unread = serializers.IntegerField(help_text=_("Số thông báo còn chưa đọc."))
