"""Load the country into the organisation tree: `load_country` (all 34 provinces), `--province 15` (one), `--dry-run`.

Idempotent: a second run adds nothing. A unit whose name, parent, level or kind differs from the official list
(an administrator renamed it) is reported, never overwritten; change it in /admin/ if the list is right."""

import time
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from roles.country import CENTRAL_FILE, SOURCE, load_country
from roles.models import Level


class Command(BaseCommand):
    help = ("Nạp cây tổ chức của cả nước: Chính phủ, Ban Thi đua - Khen thưởng Trung ương, các bộ, 34 tỉnh và "
            "3.321 xã (--dry-run: chỉ xem trước).")

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", default=None,
                            help="mã tỉnh chính thức (ví dụ 15 cho Lào Cai); lặp lại để nạp nhiều tỉnh")
        parser.add_argument("--actor", default=None, help="tên đăng nhập của quản trị viên (superuser) thực hiện")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không thay đổi gì")

    def handle(self, *args, province, actor, dry_run, verbosity, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_superuser=True).first()
            if user is None:
                raise CommandError(f"Không có quản trị viên hệ thống (superuser) tên {actor}.")
        provinces = {code.zfill(2) for code in province} if province else None
        started = time.perf_counter()
        self.stdout.write(f"Nguồn: {SOURCE}; {CENTRAL_FILE.name}")
        plan = load_country(actor=user, provinces=provinces, dry_run=dry_run, say=self.stdout.write)
        verb = "Sẽ thêm" if dry_run else "Đã thêm"
        levels = plan.added_by_level()
        for level in sorted(levels, reverse=True):
            self.stdout.write(f"{verb} {levels[level]:,} đơn vị {Level(level).label}")
        communes = Counter(e.parent for e in plan.add if e.level == Level.COMMUNE)
        names = {e.key: e.name for e in plan.add} | {k: u.name for k, u in plan.found.items() if u is not None}
        for code, count in sorted(communes.items()):
            self.stdout.write(f"  {code} {names.get(code, '')}: {count} xã, phường, đặc khu")
        if verbosity > 1:
            for e in plan.add:
                self.stdout.write(f"  + {e.code} {e.name}")
        for unit, values in plan.fill:
            self.stdout.write(f"{'Sẽ bổ sung' if dry_run else 'Đã bổ sung'} {unit.code}: "
                              + ", ".join(f"{k} = {v}" for k, v in values.items()))
        for code, name, stored, listed in plan.differences:
            self.stdout.write(self.style.WARNING(
                f"Khác danh mục (giữ nguyên): {code} {name}: trong cây «{stored}», danh mục «{listed}»"))
        for message in plan.conflicts:
            self.stdout.write(self.style.ERROR(f"Xung đột: {message}"))
        elapsed = time.perf_counter() - started
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Chạy thử: chưa thay đổi gì ({elapsed:.2f} s)."))
        elif not plan.changes:
            self.stdout.write(self.style.SUCCESS(f"Cây đã khớp danh mục: không có gì thay đổi ({elapsed:.2f} s)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Xong: {plan.changes:,} thay đổi trong {elapsed:.2f} s."))
