from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages over the engine: views, forms and template tags; they call the actions and selectors only."""

    name = "web"
    verbose_name = "Web"
