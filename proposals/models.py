"""The tờ trình (the envelope a level sends to the next, listing nominations) and the decision that awards many.

The nomination stays the unit of decision: its stages, guards, audit events and status are the engine's. A
proposal only records which nominations a level sent up together, under which number, date and signer; a
nomination is an item of one proposal per level it passed (its unit's, then each forwarding level's)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nominations.models import Nomination, Round, StoredDocument
from roles.models import OrgUnit


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    SUBMITTED = "submitted", _("Đã trình")


class Proposal(models.Model):
    """A tờ trình: from `issuing_unit` to `addressee` (the next level), with its items and its own documents.

    A unit's tờ trình is drafted, filled and submitted (its items submitted with it); a forwarding level's is
    written by the forward itself, already submitted, listing the items that level sent up."""

    issuing_unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị trình"), on_delete=models.PROTECT,
                                     related_name="+")
    addressee = models.ForeignKey(OrgUnit, verbose_name=_("nơi nhận"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(Round, verbose_name=_("đợt"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    number = models.CharField(_("số tờ trình"), max_length=64, blank=True)
    date = models.DateField(_("ngày tờ trình"), null=True, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    nominations = models.ManyToManyField(Nomination, through="ProposalItem", related_name="proposals")

    class Meta:
        verbose_name = _("tờ trình")
        verbose_name_plural = _("tờ trình")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["issuing_unit", "status"], name="proposal_issuer"),
            models.Index(fields=["addressee", "status"], name="proposal_addressee"),
        ]

    def __str__(self):
        return self.number or _("Tờ trình #%(pk)s") % {"pk": self.pk}


class ProposalItem(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="items")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="proposal_items")
    position = models.PositiveIntegerField(_("số thứ tự"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "nomination"], name="one_item_per_nomination"),
        ]

    def __str__(self):
        return f"{self.proposal_id}.{self.position}: #{self.nomination_id}"


class ProposalDocument(StoredDocument):
    """A document of the whole list (the council's minutes, the signed tờ trình); each nominee's own documents
    stay on their nomination."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="documents")

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class Decision(models.Model):
    """A quyết định of the deciding level awarding many items at once (its annex is the list of items)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan quyết định"), on_delete=models.PROTECT,
                             related_name="+")
    number = models.CharField(_("số quyết định"), max_length=64)
    date = models.DateField(_("ngày quyết định"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    nominations = models.ManyToManyField(Nomination, through="DecisionItem", related_name="decisions")

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.number


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="items")
    # A nomination is awarded once: it is in one decision at most.
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="decision_item")
    position = models.PositiveIntegerField(_("số thứ tự"))

    class Meta:
        ordering = ["decision", "position"]

    def __str__(self):
        return f"{self.decision_id}.{self.position}: #{self.nomination_id}"


def import_storage_name(instance, filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ImportBatch(models.Model):
    """An uploaded workbook waiting for its proposer's confirmation, with what its preview found. The rows are
    read again from the file at the confirmation (proposals.importing)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to=import_storage_name, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("số dòng"))
    good_rows = models.PositiveIntegerField(_("số dòng hợp lệ"))
    problem_count = models.PositiveIntegerField(_("số lỗi"))
    problems = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.original_name
