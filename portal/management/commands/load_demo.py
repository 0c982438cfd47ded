"""Demo data: one account per role, the organisations, the programmes with an open round each.

Idempotent: running it again updates what it made and creates nothing twice.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.demo import ACCOUNTS, DEMO_PASSWORD, load_demo_people
from portal.demo_outbox import counted_console_notices
from portal.models import Role


class Command(BaseCommand):
    help = "导入演示数据：组织机构、各角色演示账号、五个人才项目及其开放中的申报批次。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            action="store_true",
            help="另外生成一整年的演示申报（各批次数十份，覆盖各个环节；make demo 默认开启）。",
        )

    def handle(self, *args, **options):
        with counted_console_notices() as sent:
            self.load(year=options["year"])
        if sent.counted:
            self.stdout.write(sent.summary())
        self.stdout.write(
            self.style.SUCCESS("演示数据已就绪。所有演示账号的密码：" + DEMO_PASSWORD)
        )
        for username, real_name, roles, _extra in ACCOUNTS:
            labels = "、".join(str(Role(role).label) for role, _kind, _scope in roles)
            self.stdout.write(f"  {username:<12} {real_name}  {labels}")

    def load(self, *, year: bool) -> None:
        load_demo_people()
        call_command("load_programmes", verbosity=0)
        call_command("open_demo_rounds", verbosity=0)
        # Later stages (declarations, reviews, awards) add their demo data through a
        # `load_demo(stdout)` method on their AppConfig.
        for config in apps.get_app_configs():
            hook = getattr(config, "load_demo", None)
            if hook:
                hook(self.stdout)
        if year:  # the bigger demo, after every app's own (subsidies.demo_year)
            for config in apps.get_app_configs():
                hook = getattr(config, "load_demo_year", None)
                if hook:
                    hook(self.stdout)
