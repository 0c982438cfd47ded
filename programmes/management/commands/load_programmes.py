from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.loader import load_files, ruleset_files
from programmes.ruleset import RuleSetError


class Command(BaseCommand):
    help = "导入规则文件（fixtures/programmes/*.yaml）：内容未变不新建，内容变化形成新版本，文件有误则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="规则文件；缺省为 fixtures/programmes/ 下全部文件"
        )

    def handle(self, *args, **options):
        paths = [Path(f) for f in options["files"]] or ruleset_files()
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError("找不到规则文件：" + "、".join(missing), returncode=2)
        try:
            results = load_files(paths)
        except RuleSetError as exc:
            raise CommandError(f"规则文件有误，未导入任何内容：\n{exc}", returncode=2) from exc
        for result in results:
            state = "新建版本" if result.created else "未变化"
            self.stdout.write(f"{result.code}: 第{result.number}版（{state}）")
