"""`manage.py run_payments --period YYYY-MM | --year YYYY`: what the scheduled run does."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from subsidies import ledger, services


class Command(BaseCommand):
    help = "计算并写入待遇发放台账（月度：--period YYYY-MM；年度：--year YYYY），可重复运行"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--period", help="月度发放期间，如 2026-03")
        group.add_argument("--year", type=int, help="年度发放（上年度按年发放的津贴），如 2026")

    def handle(self, *args, **options):
        period, year = options["period"], options["year"]
        today = timezone.localdate()
        try:
            if period:
                ledger.month_window(period)  # a malformed period is said as such first
            if (period and period > today.strftime("%Y-%m")) or (year and year > today.year):
                raise CommandError("不能计算未来的期间", returncode=2)
            if period:
                created, existing = services.run_payments(period=period)
            else:
                created, existing = services.run_annual(year=year)
        except ledger.RunError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"新增 {created} 笔，已存在 {existing} 笔")
