from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = _("Hồ sơ đề nghị khen thưởng")

    def ready(self):
        from django.core import checks

        from .checks import check_award_rules

        checks.register(check_award_rules, checks.Tags.database)
