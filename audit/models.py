"""The audit event: one row per state change, hash-chained, never updated or deleted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.verify_export import GENESIS_HASH, HASHED_FIELDS, format_timestamp


class AppendOnlyError(Exception):
    """An audit event was about to be changed or deleted; the log only grows."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class Event(models.Model):
    """Written only by `audit.services.record()`; the database refuses UPDATE and DELETE (migration 0002)."""

    seq = models.PositiveBigIntegerField(_("số thứ tự"), primary_key=True)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên đăng nhập người thực hiện"), max_length=150, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("thay mặt"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of_name = models.CharField(_("tên đăng nhập người được thay mặt"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=64, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=64, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    org_unit = models.CharField(_("đơn vị"), max_length=64, blank=True)
    # db_index on a CharField also gives PostgreSQL a varchar_pattern_ops index for startswith (subtrees).
    org_path = models.CharField(_("đường dẫn đơn vị"), max_length=512, blank=True, db_index=True)
    from_status = models.CharField(_("trạng thái trước"), max_length=32, blank=True)
    to_status = models.CharField(_("trạng thái sau"), max_length=32, blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    prev_hash = models.CharField(_("mã băm trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        db_table = "audit_event"
        ordering = ["seq"]
        verbose_name = _("sự kiện kiểm toán")
        verbose_name_plural = _("sự kiện kiểm toán")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object")]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"Audit event {self.seq} cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"Audit event {self.seq} cannot be deleted.")

    def chain_fields(self) -> dict:
        """The hashed fields in their canonical form (see audit.verify_export)."""
        fields = {name: getattr(self, name) for name in HASHED_FIELDS}
        fields["at"] = format_timestamp(self.at)
        return fields


class VerifiedHead(models.Model):
    """The last point of the chain found intact: one row (id 1), written only by audit.verification.

    An on-demand check starts here (seq and its hash) and reads only the events after it; the full check from
    the genesis (the background task, `manage.py audit_verify`) also looks at everything before it. A break the
    full check finds is kept here (broken_seq, problem, message) and reported by every on-demand check until a
    full check passes again: the point never moves past a break.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.PositiveBigIntegerField(_("số thứ tự đã kiểm tra"), default=0)
    hash = models.CharField(_("mã băm đã kiểm tra"), max_length=64, default=GENESIS_HASH)
    verified_at = models.DateTimeField(_("thời điểm kiểm tra"), null=True)
    full = models.BooleanField(_("do lần kiểm tra toàn bộ ghi"), default=False)
    full_checked_at = models.DateTimeField(_("lần kiểm tra toàn bộ gần nhất"), null=True)
    broken_seq = models.PositiveBigIntegerField(_("sai lệch từ số thứ tự"), null=True)
    problem = models.CharField(_("loại sai lệch"), max_length=16, blank=True)
    message = models.TextField(_("mô tả sai lệch"), blank=True)

    class Meta:
        db_table = "audit_verified_head"
        verbose_name = _("điểm đã kiểm tra")
        verbose_name_plural = _("điểm đã kiểm tra")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_verified_head_single_row")]

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
