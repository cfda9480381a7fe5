from .models import Notification


def for_user(user):
    """The user's notifications, newest first (with the nomination joined)."""
    return Notification.objects.filter(user=user).select_related("nomination")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
