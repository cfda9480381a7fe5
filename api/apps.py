from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API over the engine: its views call the actions and selectors only (see README, design)."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from . import tokens

        tokens.connect()  # API tokens die at a password change and at the web logout
