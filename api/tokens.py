"""When API tokens die before their time (issue 22).

Tokens are django-rest-knox's: the database keeps a SHA-512 digest, never the key, and each token expires
`API_TOKEN_TTL` after its issue (POST /api/auth/token/). A token is a password's stand-in, so it must not outlive
what it stands for:

- **a password change** kills every token of that user, however the password was changed (the admin's forms, the
  admin's own password page, `set_password()` then `save()`, a hash assigned directly): the stored hash is compared
  before each save of a user that may write it, so no path has to remember to call us. It is the rule Django
  applies to sessions (their auth hash is derived from the password hash), so a hasher upgrade at a login ends the
  user's other tokens as it ends their other sessions. `QuerySet.update(password=…)` sends no signal: don't.
- **the web logout** (`user_logged_out`) kills every token of that user: logging out means all of it.

The API's own logout (`POST /api/auth/logout/`, `/logout-all/`, api/views/auth.py) revokes the caller's
token or all of them. Connected once from `WorkflowsConfig.ready()`.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from knox.models import get_token_model


def revoke_all(user, using=None) -> int:
    """Delete every API token of `user`; the number deleted."""
    tokens = get_token_model().objects
    if using is not None:
        tokens = tokens.using(using)
    deleted, _ = tokens.filter(user_id=user.pk).delete()
    return deleted


def _note_password_change(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """pre_save: mark the user if this save writes a password hash other than the stored one."""
    instance._api_tokens_to_revoke = False
    if raw or instance._state.adding or instance.pk is None:
        return  # a fixture being loaded, or a new user: no token yet
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. a login's last_login: costs no query
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._api_tokens_to_revoke = stored is not None and stored != instance.password


def _revoke_on_password_change(sender, instance, raw=False, using=None, **kwargs):
    """post_save: the new hash is written (in the same transaction when there is one); its tokens go."""
    if getattr(instance, "_api_tokens_to_revoke", False):
        instance._api_tokens_to_revoke = False
        revoke_all(instance, using=using)


def _revoke_on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        revoke_all(user)


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_note_password_change, sender=user_model, dispatch_uid="api-tokens-password-change-note")
    post_save.connect(_revoke_on_password_change, sender=user_model, dispatch_uid="api-tokens-password-change")
    user_logged_out.connect(_revoke_on_logout, dispatch_uid="api-tokens-web-logout")
