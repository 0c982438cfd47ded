"""Send the Celery tasks kept in the outbox while the broker was down (beat does it every 30 s)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.outbox import relay


class Command(BaseCommand):
    help = "发送消息队列中断期间暂存的后台任务（Celery beat 每30秒也会执行）。"

    def handle(self, *args, **options):
        sent, pending = relay()
        self.stdout.write(f"已发送 {sent} 个任务，仍待发送 {pending} 个。")
        if pending:
            raise SystemExit(1)
