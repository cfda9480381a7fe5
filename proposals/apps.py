from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Tờ trình và quyết định")

    def ready(self):
        from workflows import demo

        from .demo import build

        if build not in demo.EXTRA_BUILDERS:
            demo.EXTRA_BUILDERS.append(build)
