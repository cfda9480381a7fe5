"""The admin alone, for tests/audit/test_admin.py (config/urls.py belongs to the project)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
