from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.health import healthz
from web.views.accounts import LoginView

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # the load balancer's check (config/health.py)
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("web.urls")),
]

# A body over DATA_UPLOAD_MAX_MEMORY_SIZE (413) or with too many fields (400), refused before a view reads it.
handler400 = "web.views.errors.bad_request"
