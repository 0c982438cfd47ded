from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.loader import ruleset_files, validate_files
from programmes.ruleset import RuleSetError


class Command(BaseCommand):
    help = "检查规则文件是否符合规则格式，不导入。"

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
            parsed = validate_files(paths)
        except RuleSetError as exc:
            raise CommandError(f"规则文件有误：\n{exc}", returncode=2) from exc
        for path in parsed:
            self.stdout.write(f"{path}: 通过")
