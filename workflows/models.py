"""Process bookkeeping: the routing profiles (data) and the per-level steps a nomination visits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nominations.models import Nomination
from roles.models import Level, OrgUnit, Role


class Step(models.TextChoices):
    APPRAISE = "appraise", _("Thẩm định")
    DECIDE = "decide", _("Quyết định")


ROLE_FOR_STEP = {Step.APPRAISE: Role.APPRAISER, Step.DECIDE: Role.DECIDER}


class RoutingProfile(models.Model):
    """A chain of levels in force for a branch of the tree between two dates.

    `levels` is an ordered list of {"level": <Level value>, "steps": ["appraise", "decide"]}; the branch
    says which submitting units it serves: "local" (provinces) or "sector" (ministries).
    """

    class Branch(models.TextChoices):
        LOCAL = "local", _("Địa phương")
        SECTOR = "sector", _("Bộ, ngành")

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    branch = models.CharField(max_length=8, choices=Branch.choices)
    levels = models.JSONField()
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("tuyến trình")
        verbose_name_plural = _("tuyến trình")
        ordering = ["branch", "valid_from"]

    def __str__(self):
        return self.name


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Đồng ý")
    RETURNED = "returned", _("Trả lại")
    REJECTED = "rejected", _("Không đồng ý")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")


class Stage(models.Model):
    """One step of one level that a nomination visits. At most one is open per nomination."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="stages")
    position = models.PositiveSmallIntegerField(help_text="Index of the stop in the nomination's route.")
    level = models.IntegerField(choices=Level.choices)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="stages")
    step = models.CharField(max_length=10, choices=Step.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("bước xét duyệt")
        verbose_name_plural = _("bước xét duyệt")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination"], condition=Q(closed_at__isnull=True),
                                    name="one_open_stage_per_nomination"),
        ]
        indexes = [
            models.Index(fields=["org_unit", "step"], condition=Q(closed_at__isnull=True), name="open_stage_inbox"),
            models.Index(fields=["nomination", "closed_by"], name="stage_actor"),
        ]

    def __str__(self):
        return f"{self.nomination_id} {self.get_level_display()} {self.org_unit.code} {self.get_step_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def role(self) -> str:
        return ROLE_FOR_STEP[Step(self.step)]


class CouncilRule(models.Model):
    """When a level's council must vote before its leader decides or forwards, and what carries the vote.

    Shares are percentages: the quorum of all members; the threshold of all members or of those present."""

    class Base(models.TextChoices):
        MEMBERS = "members", _("Tổng số thành viên")
        PRESENT = "present", _("Số thành viên có mặt")

    level = models.IntegerField(_("cấp"), choices=Level.choices)
    award = models.ForeignKey("nominations.AwardType", verbose_name=_("hình thức"), null=True, blank=True,
                              on_delete=models.CASCADE, help_text=_("Để trống: mọi hình thức của cấp này."))
    quorum_percent = models.PositiveSmallIntegerField(_("tỷ lệ có mặt tối thiểu (%)"), default=0)
    threshold_percent = models.PositiveSmallIntegerField(_("tỷ lệ tán thành (%)"))
    threshold_base = models.CharField(_("tính trên"), max_length=8, choices=Base.choices, default=Base.MEMBERS)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("quy định bỏ phiếu của Hội đồng")
        verbose_name_plural = _("quy định bỏ phiếu của Hội đồng")
        ordering = ["level", "award", "valid_from"]

    def __str__(self):
        return f"{self.get_level_display()} {self.award.code if self.award_id else '*'}: {self.threshold_percent}%"


class CouncilMember(models.Model):
    """A seat on a unit's Hội đồng Thi đua - Khen thưởng between two dates, kept by administrators.

    The council of a level is the membership of the unit whose stage it is, on the day of the meeting: a vote's
    number of members is counted from these rows, never typed. The chair, the vice chairs and the members vote;
    the secretary keeps the minutes and does not vote (a secretary who also votes sits as a member)."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch Hội đồng")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
        MEMBER = "member", _("Ủy viên")
        SECRETARY = "secretary", _("Thư ký (không biểu quyết)")

    VOTING = (Position.CHAIR, Position.VICE_CHAIR, Position.MEMBER)

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                                 related_name="council_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("Để trống nếu thành viên không dùng hệ thống."))
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    title = models.CharField(_("chức vụ, đơn vị công tác"), max_length=255, blank=True)
    position = models.CharField(_("vị trí trong Hội đồng"), max_length=12, choices=Position.choices,
                                default=Position.MEMBER)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên Hội đồng")
        verbose_name_plural = _("thành viên Hội đồng")
        ordering = ["org_unit", "position", "full_name"]
        indexes = [models.Index(fields=["org_unit", "position"], name="council_member_unit")]

    def __str__(self):
        return f"{self.org_unit.code}: {self.full_name} ({self.get_position_display()})"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        if not self.full_name.strip() and self.user_id:
            self.full_name = self.user.get_full_name() or self.user.get_username()
        if not self.full_name.strip():
            raise ValidationError({"full_name": _("Hãy nhập họ và tên hoặc chọn tài khoản.")})
        same = CouncilMember.objects.filter(org_unit_id=self.org_unit_id).exclude(pk=self.pk)
        same = same.filter(user_id=self.user_id) if self.user_id else same.filter(full_name=self.full_name.strip())
        if self.valid_to:
            same = same.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to))
        if self.valid_from:
            same = same.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.org_unit_id and same.exists():
            raise ValidationError(_("Người này đã có một vị trí trong Hội đồng của đơn vị trong khoảng thời gian "
                                    "này."))


class CouncilVote(models.Model):
    """The result of a council's vote at a DECIDE stage, with its minutes, recorded by the council's secretary.

    `members` is the council's size counted from `CouncilMember` on the day of the meeting."""

    stage = models.OneToOneField(Stage, on_delete=models.PROTECT, related_name="council_vote")
    rule = models.ForeignKey(CouncilRule, on_delete=models.PROTECT, related_name="+")
    members = models.PositiveSmallIntegerField(_("số thành viên"))
    present = models.PositiveSmallIntegerField(_("số có mặt"))
    votes_for = models.PositiveSmallIntegerField(_("số phiếu tán thành"))
    minutes = models.ForeignKey("nominations.Document", verbose_name=_("biên bản"), on_delete=models.PROTECT,
                                related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    meeting_date = models.DateField(_("ngày họp"), null=True, blank=True,
                                    help_text=_("Trống với các kết quả nhập trước khi có danh sách thành viên."))

    class Meta:
        verbose_name = _("kết quả bỏ phiếu")
        verbose_name_plural = _("kết quả bỏ phiếu")

    def __str__(self):
        return f"{self.votes_for}/{self.present}/{self.members}"
