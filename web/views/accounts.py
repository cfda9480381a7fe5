"""Log in and log out; in demo mode the login page lists the demo accounts."""

from django.conf import settings
from django.contrib.auth import views as auth_views

from roles.models import Role
from workflows import demo


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = [
                {"username": username, "name": name, "role": Role(role).label, "unit": unit}
                for username, name, role, unit in demo.PEOPLE
            ]
            context["demo_password"] = demo.demo_password()
        return context
