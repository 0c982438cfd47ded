from django.core.management.base import BaseCommand

from portal.organisations import load_organisations


class Command(BaseCommand):
    help = "导入（或更新）区、街道/镇/园区、主管部门和工会。可重复运行。"

    def handle(self, *args, **options):
        counts = load_organisations()
        self.stdout.write(
            f"区域 {counts['regions']} 个，主管部门 {counts['departments']} 个，工会 {counts['unions']} 个。"
        )
