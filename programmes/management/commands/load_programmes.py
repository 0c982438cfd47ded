from django.core.management.base import CommandError

from programmes.loader import load_files
from programmes.management.rule_files import RuleFilesCommand
from programmes.ruleset import RuleSetError


class Command(RuleFilesCommand):
    help = "导入规则文件（fixtures/programmes/*.yaml）：内容未变不新建，内容变化形成新版本，文件有误则全部不导入。"

    def handle(self, *args, **options):
        paths = self.rule_files(options)
        try:
            results = load_files(paths)
        except RuleSetError as exc:
            raise CommandError(f"规则文件有误，未导入任何内容：\n{exc}", returncode=2) from exc
        for result in results:
            state = "新建版本" if result.created else "未变化"
            self.stdout.write(f"{result.code}: 第{result.number}版（{state}）")
