from django.core.management.base import CommandError

from programmes.loader import validate_files
from programmes.management.rule_files import RuleFilesCommand
from programmes.ruleset import RuleSetError


class Command(RuleFilesCommand):
    help = "检查规则文件是否符合规则格式，不导入。"

    def handle(self, *args, **options):
        paths = self.rule_files(options)
        try:
            parsed = validate_files(paths)
        except RuleSetError as exc:
            raise CommandError(f"规则文件有误：\n{exc}", returncode=2) from exc
        for path in parsed:
            self.stdout.write(f"{path}: 通过")
