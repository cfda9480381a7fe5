from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nominations.models import Nomination


class Kind(models.TextChoices):
    STAGE_OPENED = "stage_opened", _("Hồ sơ chờ xử lý")
    RETURNED = "returned", _("Hồ sơ bị trả lại")
    REJECTED = "rejected", _("Hồ sơ không được đồng ý")
    AWARDED = "awarded", _("Hồ sơ được khen thưởng")
    REMINDER = "reminder", _("Nhắc hạn xử lý")
    ESCALATION = "escalation", _("Quá hạn xử lý")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When its e-mail went out (notifications.services.mail_notices): a re-run of the task sends it no second time.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self):
        return self.title
