from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages over the engine: views, forms and template tags; they call the actions and selectors only."""

    name = "web"
    verbose_name = "Web"

    def ready(self):
        # The admin names this system, in the page's language, not Django; django-axes names its app "Axes".
        from django.apps import apps
        from django.contrib import admin

        admin.site.site_header = _("Trang quản trị Thi đua – Khen thưởng")
        admin.site.site_title = _("Quản trị Thi đua – Khen thưởng")
        admin.site.index_title = _("Danh mục quản trị")
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Khóa đăng nhập")
