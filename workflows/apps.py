from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình xét duyệt")

    def ready(self):
        from django.core import checks

        from .checks import check_council_rules, check_routing_profiles

        checks.register(check_routing_profiles, checks.Tags.database)
        checks.register(check_council_rules, checks.Tags.database)
