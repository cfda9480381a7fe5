from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A day an administrator declares a working day (compensatory) or a day off, overriding the Vietnam calendar."""

    date = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(_("là ngày làm việc"))
    reason = models.CharField(_("lý do"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh lịch")
        verbose_name_plural = _("ngày điều chỉnh lịch")

    def __str__(self):
        return f"{self.date} ({'làm việc' if self.is_working_day else 'nghỉ'})"


class StageAlert(models.Model):
    """One reminder or escalation sent for one clock of one stage; the unique constraint makes the job idempotent.
    `stage_id` is a plain integer so this app does not import workflows. `clock`: "" for the stage's own due date,
    else the name of another clock it carries (policy.extra_clocks)."""

    REMINDER, ESCALATION = "reminder", "escalation"

    stage_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=12, choices=[(REMINDER, _("nhắc hạn")), (ESCALATION, _("báo quá hạn"))])
    clock = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage_id", "clock", "kind"], name="stage_clock_alert_once")]

    def __str__(self):
        return f"{self.kind} #{self.stage_id} {self.clock}".rstrip()
