from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deadlines"
    verbose_name = "Thời hạn"

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_delete, post_save

        from .calendar import forget_overrides
        from .checks import check_deadline_award_codes, check_deadline_setting, check_extra_clocks
        from .models import CalendarOverride

        post_save.connect(forget_overrides, sender=CalendarOverride, dispatch_uid="calendar-override-saved")
        post_delete.connect(forget_overrides, sender=CalendarOverride, dispatch_uid="calendar-override-deleted")
        checks.register(check_deadline_setting)
        checks.register(check_extra_clocks)
        checks.register(check_deadline_award_codes, checks.Tags.database)
