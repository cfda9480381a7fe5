from django.core.management.base import BaseCommand

from workflows import reminders


class Command(BaseCommand):
    help = "Gửi nhắc hạn và báo quá hạn các bước xét duyệt (an toàn khi chạy lặp lại hoặc chạy đồng thời)."

    def handle(self, *args, **options):
        sent = reminders.run()
        self.stdout.write(f"reminder={sent['reminder']} escalation={sent['escalation']}")
