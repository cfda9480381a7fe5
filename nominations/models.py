"""The award catalog, the movement with its criteria and rounds, nominees, nominations and their dossiers."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roles.models import Level, OrgUnit, valid_on_q

from .search import nomination_text


class DocumentKind(models.TextChoices):
    TO_TRINH = "to_trinh", _("Tờ trình")
    BAO_CAO_THANH_TICH = "bao_cao_thanh_tich", _("Báo cáo thành tích")
    BIEN_BAN_HOI_DONG = "bien_ban_hoi_dong", _("Biên bản họp Hội đồng và kết quả bỏ phiếu")
    XAC_NHAN = "xac_nhan", _("Văn bản xác nhận")
    KHAC = "khac", _("Tài liệu khác")


class SubjectGroup(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    HOUSEHOLD_CLAN = "household_clan", _("Hộ gia đình, dòng họ")
    ORGANIZATION = "organization", _("Doanh nghiệp, tổ chức, cơ quan, trường học")
    INDIVIDUAL = "individual", _("Cá nhân")
    OTHER = "other", _("Đối tượng khác")


class NomineeKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    HOUSEHOLD = "household", _("Hộ gia đình")
    CLAN = "clan", _("Dòng họ")
    COLLECTIVE = "collective", _("Tập thể")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    LOCALITY = "locality", _("Địa phương")
    OTHER = "other", _("Đối tượng khác")


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    IN_REVIEW = "in_review", _("Đang xét duyệt")
    RETURNED = "returned", _("Bị trả lại")
    ON_HOLD = "on_hold", _("Tạm dừng")
    AWARDED = "awarded", _("Đã khen thưởng")
    REJECTED = "rejected", _("Không khen thưởng")
    WITHDRAWN = "withdrawn", _("Đã rút")


class BkTtgPath(models.TextChoices):
    """G6: the three ways to a Bằng khen of the Prime Minister."""

    MOVEMENT = "movement", _("Tiêu biểu trong phong trào (sơ kết, tổng kết)")
    MERIT = "merit", _("Theo công trạng (đã có Bằng khen cấp bộ, tỉnh)")
    EXCEPTIONAL = "exceptional", _("Thành tích đột xuất")


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None):
        return self.filter(valid_on_q(day or timezone.localdate()))


class AwardType(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    deciding_level = models.IntegerField(_("cấp quyết định"), choices=Level.choices)
    required_documents = models.JSONField(
        _("thành phần hồ sơ bắt buộc"), default=list, blank=True,
        help_text=_("Danh sách mã loại tài liệu, ví dụ [\"to_trinh\", \"bao_cao_thanh_tich\"]."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class AwardRule(models.Model):
    """Which level decides an award between two dates (e.g. CSTĐ cơ sở: district, then commune from 2025-07-01).

    Without a rule in force, the award's own `deciding_level` applies."""

    award = models.ForeignKey(AwardType, on_delete=models.CASCADE, related_name="rules")
    deciding_level = models.IntegerField(_("cấp quyết định"), choices=Level.choices)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    basis = models.CharField(_("căn cứ"), max_length=255, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("thẩm quyền quyết định theo thời gian")
        verbose_name_plural = _("thẩm quyền quyết định theo thời gian")
        ordering = ["award", "valid_from"]

    def __str__(self):
        return f"{self.award.code}: {self.get_deciding_level_display()} ({self.valid_from} – {self.valid_to})"


class Movement(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên phong trào"), max_length=500)
    decision = models.CharField(_("văn bản phát động"), max_length=100, blank=True)
    thematic = models.BooleanField(_("thi đua theo chuyên đề"), default=True)
    period_start = models.DateField(_("giai đoạn từ"))
    period_end = models.DateField(_("giai đoạn đến"))

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")

    def __str__(self):
        return self.name


class Criterion(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField(_("nhóm đối tượng"), max_length=20, choices=SubjectGroup.choices)
    code = models.CharField(_("mã"), max_length=32)
    text = models.TextField(_("nội dung tiêu chí"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiêu chí thi đua")
        verbose_name_plural = _("tiêu chí thi đua")
        ordering = ["movement", "group", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["movement", "code"], name="criterion_code_per_movement")]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"


class Round(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Hằng năm")
        SO_KET = "so_ket", _("Sơ kết")
        TONG_KET = "tong_ket", _("Tổng kết")

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="rounds")
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên đợt"), max_length=255)
    kind = models.CharField(_("loại đợt"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("thành tích từ"))
    period_end = models.DateField(_("thành tích đến"))
    opens_on = models.DateField(_("nhận hồ sơ từ"))
    closes_on = models.DateField(_("nhận hồ sơ đến"))

    class Meta:
        verbose_name = _("đợt xét khen thưởng")
        verbose_name_plural = _("đợt xét khen thưởng")
        ordering = ["opens_on", "code"]

    def __str__(self):
        return self.name

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class Nominee(models.Model):
    kind = models.CharField(_("loại đối tượng"), max_length=16, choices=NomineeKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    identity_number = models.CharField(
        _("số định danh"), max_length=32, blank=True,
        help_text=_("CCCD đối với cá nhân, mã số thuế đối với doanh nghiệp."),
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị quản lý"), on_delete=models.PROTECT, related_name="nominees"
    )

    class Meta:
        verbose_name = _("đối tượng khen thưởng")
        verbose_name_plural = _("đối tượng khen thưởng")
        # A unit's own record of a person: an identity number typed elsewhere never reaches it. G3 still finds the
        # same citizen across the country through the (kind, identity_number) index.
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "identity_number"], condition=~Q(identity_number=""),
                name="nominee_identity_per_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "name", "unit"], name="nominee_natural_key"),
            models.Index(fields=["kind", "identity_number"], name="nominee_identity_key"),
        ]

    def __str__(self):
        return self.name

    @property
    def group(self) -> str:
        return subject_group(self.kind, self.unit.level)


def subject_group(kind: str, unit_level: int) -> str:
    """The movement's subject group for a nominee of `kind` managed by a unit of `unit_level`."""
    if kind == NomineeKind.LOCALITY:
        return {
            Level.PROVINCE: SubjectGroup.PROVINCE,
            Level.DISTRICT: SubjectGroup.DISTRICT,
            Level.COMMUNE: SubjectGroup.COMMUNE,
        }.get(unit_level, SubjectGroup.OTHER)
    return {
        NomineeKind.INDIVIDUAL: SubjectGroup.INDIVIDUAL,
        NomineeKind.HOUSEHOLD: SubjectGroup.HOUSEHOLD_CLAN,
        NomineeKind.CLAN: SubjectGroup.HOUSEHOLD_CLAN,
        NomineeKind.COLLECTIVE: SubjectGroup.ORGANIZATION,
        NomineeKind.ENTERPRISE: SubjectGroup.ORGANIZATION,
    }.get(kind, SubjectGroup.OTHER)


class Nomination(models.Model):
    """One nominee, one award, one achievement, one round. Its status is written only by the lifecycle."""

    round = models.ForeignKey(Round, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="nominations")
    award = models.ForeignKey(AwardType, verbose_name=_("hình thức"), on_delete=models.PROTECT)
    nominee = models.ForeignKey(Nominee, verbose_name=_("đối tượng"), on_delete=models.PROTECT,
                                related_name="nominations")
    submitting_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT,
                                        related_name="nominations")
    achievement = models.TextField(_("tóm tắt thành tích"))
    nominee_details = models.TextField(_("thông tin thêm về đối tượng"), blank=True)
    path = models.CharField(_("diện đề nghị Bằng khen Thủ tướng"), max_length=12, choices=BkTtgPath.choices,
                            default=BkTtgPath.MOVEMENT)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("ngày trình lần đầu"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    route = models.JSONField(default=list, blank=True, editable=False,
                             help_text="The route fixed at first submission: [{level, unit, code, step}].")
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True, editable=False)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True, editable=False)
    decision_signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", editable=False)
    # The nominee's name and the achievement folded (nominations.search): searched without accents or case on
    # both databases. Kept by save(); a nominee's name never changes once recorded (nominations.services).
    # No trigram index on PostgreSQL: the list's statement is prepared, and its generic plan then took the index
    # for every word, 300 ms for a word in every row (100,000 nominations) where the scan takes 50.
    search_text = models.TextField(blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("hồ sơ đề nghị")
        verbose_name_plural = _("hồ sơ đề nghị")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["submitting_unit", "status"], name="nomination_unit_status"),
            # Lists are newest first: a wide scope (an inspector's) reads its first page from this index.
            models.Index(fields=["created_at"], name="nomination_created"),
            # The pages and the API list by last change (-updated_at, -id): the first page comes from this index
            # (PostgreSQL, 100,000 nominations, the national inspector's list page: 199 → 68 ms).
            models.Index(fields=["updated_at", "id"], name="nomination_updated"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.nominee} – {self.award.code}"

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None or "achievement" in update_fields:  # only then: reading the nominee may cost a query
            self.search_text = nomination_text(self.nominee.name, self.achievement)
            if update_fields is not None:
                update_fields = [*update_fields, "search_text"]
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def route_date(self) -> datetime.date:
        """The date whose rules govern the nomination: its first submission, today before that."""
        return timezone.localdate(self.submitted_at) if self.submitted_at else timezone.localdate()


class CriterionAnswer(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    met = models.BooleanField(_("đạt"))
    note = models.TextField(_("minh chứng"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nomination", "criterion"], name="one_answer_per_criterion")]

    def __str__(self):
        return f"{self.criterion.code}: {_('đạt') if self.met else _('chưa đạt')}"


def document_storage_name(instance, filename: str) -> str:
    """A generated name: the user's file name never reaches the file system."""
    return f"dossiers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class StoredDocument(models.Model):
    """An uploaded file kept with its checked type and fingerprint (nominations.documents.checked_upload): a
    nomination's documents and a tờ trình's own."""

    kind = models.CharField(_("loại tài liệu"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_storage_name, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def store(self, upload, then) -> None:
        """Save the file, then the row, then `then()` (the audit event), in the caller's transaction; a failure
        leaves no orphan file (the row rolls back with the transaction)."""
        self.file.save(self.original_name, upload, save=False)
        try:
            self.save()
            then()
        except BaseException:
            self.file.delete(save=False)
            raise


class Document(StoredDocument):
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="documents")

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class HoldReason(models.TextChoices):
    DISCIPLINE = "discipline", _("Đang xem xét kỷ luật")
    INVESTIGATION = "investigation", _("Đang bị điều tra")
    COMPLAINT = "complaint", _("Đang có khiếu nại, tố cáo")


class Hold(models.Model):
    """G4: a nominee under discipline, investigation or complaint; while active, their nominations wait ON_HOLD."""

    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(_("lý do"), max_length=16, choices=HoldReason.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    file = models.FileField(upload_to=document_storage_name, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_note = models.TextField(_("căn cứ gỡ"), blank=True)

    class Meta:
        verbose_name = _("tạm dừng xét khen thưởng")
        verbose_name_plural = _("tạm dừng xét khen thưởng")
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["nominee"], condition=Q(cleared_at__isnull=True), name="active_hold")]

    def __str__(self):
        return f"{self.nominee} – {self.get_reason_display()}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None



class DuplicateFlag(models.Model):
    """G3 across scopes: two nominations of one citizen (same kind and identity number) for one achievement, from
    units that cannot see each other's records. Neither proposer is told of the other, and neither wins by
    submitting first: the flag waits in the inbox of the reviewers of `unit`, the lowest unit whose subtree holds
    both, who choose the one to keep. Until then neither can be awarded; afterwards only the kept one can."""

    first = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cấp đối chiếu"), on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    kept = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("căn cứ"), blank=True)

    class Meta:
        verbose_name = _("hồ sơ trùng thành tích")
        verbose_name_plural = _("hồ sơ trùng thành tích")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_flag_per_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="flag_pair_ordered"),
        ]
        indexes = [models.Index(fields=["unit"], condition=Q(resolved_at__isnull=True), name="open_flag")]

    def __str__(self):
        return f"#{self.first_id} ~ #{self.second_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
