"""The shapes of the tờ trình, their items, the bulk review's answer and the decisions (proposals/)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from nominations.models import AwardType, BkTtgPath, DocumentKind, Round
from proposals.actions import BULK_ACTIONS
from proposals.models import Decision, ImportBatch, Proposal, ProposalDocument, ProposalStatus
from roles.models import OrgUnit

from .serializers import (
    AnswerSerializer,
    CodeRelatedField,
    NominationSummarySerializer,
    NomineeRequestSerializer,
    OpenStageSerializer,
    UploadField,
)

ID = {"min_value": 1, "max_value": 2**62}


class ProposalSummarySerializer(serializers.ModelSerializer):
    issuing_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    addressee = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    round = serializers.SlugRelatedField(slug_field="code", read_only=True)
    signer = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=ProposalStatus.choices, read_only=True)
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "issuing_unit", "addressee", "round", "title", "number", "date", "signer", "status",
                  "created_at", "submitted_at", "item_count"]


class ProposalItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    nomination = NominationSummarySerializer()
    open_stage = OpenStageSerializer(allow_null=True)
    lacks = serializers.ListField(child=serializers.CharField(), help_text=_("Hồ sơ còn thiếu gì để trình."))


class ProposalDocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProposalDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class ProposalSerializer(ProposalSummarySerializer):
    """One tờ trình; the view reads its items (`items_read`: selectors.items_of with `lacks`) and documents."""

    items = ProposalItemSerializer(many=True, read_only=True, source="items_read")
    documents = ProposalDocumentSerializer(many=True, read_only=True, source="documents_read")

    class Meta(ProposalSummarySerializer.Meta):
        fields = [*ProposalSummarySerializer.Meta.fields, "items", "documents"]


class ProposalCreateSerializer(serializers.Serializer):
    issuing_unit = CodeRelatedField(slug_field="code", queryset=OrgUnit.objects.all())
    round = CodeRelatedField(slug_field="code", queryset=Round.objects.all())
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                  help_text=_("Trích yếu."))


class AddItemsSerializer(serializers.Serializer):
    nominations = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=2000,
                                        help_text=_("Số các hồ sơ nháp (hoặc bị trả lại) của đơn vị."))


class NewItemSerializer(serializers.Serializer):
    award = CodeRelatedField(slug_field="code", queryset=AwardType.objects.all())
    nominee = NomineeRequestSerializer()
    achievement = serializers.CharField(max_length=20000)
    criteria = AnswerSerializer(many=True, required=False, default=list)
    path = serializers.ChoiceField(choices=BkTtgPath.choices, required=False, default=BkTtgPath.MOVEMENT)


class NewItemsSerializer(serializers.Serializer):
    items = NewItemSerializer(many=True, min_length=1, max_length=2000)


class ProposalDocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = UploadField(help_text=_("PDF, ảnh JPG/PNG, Word, Excel; dung lượng có giới hạn."))


class SubmitSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                   help_text=_("Số tờ trình; để trống: số do hệ thống cấp."))
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Để trống: hôm nay."))
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class PinSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(**ID)
    stage = serializers.IntegerField(**ID, help_text=_("Bước đang mở mà bạn đã thấy; bước đã đóng → từ chối (409)."))


class ReviewSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    items = PinSerializer(many=True, min_length=1, max_length=2000)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                   help_text=_("Bắt buộc khi trả lại hoặc không đồng ý."))
    reason_code = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                   help_text=_("Số tờ trình của cấp mình cho các hồ sơ trình lên."))
    into = serializers.IntegerField(**ID, required=False, allow_null=True, default=None,
                                    help_text=_("Gộp vào tờ trình cấp mình đã trình lên (thay vì lập tờ trình mới)."))
    decision_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)


class ResubmitSerializer(serializers.Serializer):
    nominations = serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=2000)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class RefusalSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    status = serializers.IntegerField(help_text=_("Mã HTTP mà thao tác trên từng hồ sơ sẽ trả về: 400, 403, 404, 409."))
    message = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = serializers.ListField(child=serializers.IntegerField())
    refused = RefusalSerializer(many=True)
    forwarded_in = serializers.ListField(child=serializers.IntegerField(),
                                         help_text=_("Tờ trình của cấp mình mang các hồ sơ trình lên."))
    decision = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()


class InboxGroupSerializer(serializers.Serializer):
    proposal = ProposalSummarySerializer()
    count = serializers.IntegerField()
    oldest_due = serializers.DateTimeField(allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    signer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    nominations = serializers.SerializerMethodField(help_text=_("Các hồ sơ được khen thưởng, theo thứ tự."))
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "unit", "number", "date", "signer", "created_at", "item_count", "nominations"]

    def get_nominations(self, decision) -> list[int]:
        return [item.nomination_id for item in decision.items.all()]  # prefetched by the view


class ImportUploadSerializer(serializers.Serializer):
    file = UploadField(help_text=_("Bảng tính .xlsx theo mẫu tải về."))


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ImportBatchSerializer(serializers.ModelSerializer):
    problems = ImportProblemSerializer(many=True, read_only=True)

    class Meta:
        model = ImportBatch
        fields = ["id", "original_name", "size", "sha256", "rows", "good_rows", "problem_count", "problems",
                  "uploaded_at", "confirmed_at"]
        read_only_fields = fields
