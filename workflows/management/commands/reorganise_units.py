"""Merge a unit into another, or abolish it with a successor: `reorganise_units YENBAI LAOCAI --on 2025-07-01`.

`--dry-run` prints what would move and writes nothing."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workflows.reorganisation import reorganise_unit


class Command(BaseCommand):
    help = "Sáp nhập hoặc giải thể đơn vị, chuyển hồ sơ đang xét sang đơn vị kế thừa (--dry-run: chỉ xem trước)."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="mã đơn vị bị sắp xếp, ví dụ YENBAI")
        parser.add_argument("successor", help="mã đơn vị kế thừa, ví dụ LAOCAI")
        parser.add_argument("--on", dest="day", type=datetime.date.fromisoformat, default=None,
                            help="ngày có hiệu lực (YYYY-MM-DD), mặc định hôm nay")
        parser.add_argument("--actor", default=None, help="tên đăng nhập của quản trị viên thực hiện")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không thay đổi gì")

    def handle(self, *args, unit, successor, day, actor, dry_run, **options):
        user = get_user_model().objects.get(username=actor) if actor else None
        try:
            plan = reorganise_unit(actor=user, unit=unit, successor=successor, day=day, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(json.dumps(plan.summary(), ensure_ascii=False, indent=2, default=str))
        if dry_run:
            self.stdout.write(self.style.WARNING("Chạy thử: chưa thay đổi gì."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã chuyển {len(plan.nominations)} hồ sơ sang {plan.successor}."))
