"""python manage.py diff_ruleset OLD NEW

OLD and NEW are rule-set files (YAML) or loaded versions written CODE:NUMBER
(e.g. shanghai-craftsman:1). Prints, in Chinese, what changed: conditions, stages, score items,
amounts, dates (programmes.ruleset_diff.describe). Exit 0; exit 2 with a message for a file or
version that cannot be read.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.models import ProgrammeVersion
from programmes.ruleset import RuleSetError, load_ruleset
from programmes.ruleset_diff import describe


def read(reference: str):
    """A rule set from a file path, or from a loaded version CODE:NUMBER."""
    path = Path(reference)
    if path.exists() or reference.endswith((".yaml", ".yml")):
        return load_ruleset(path), str(path)
    code, _, number = reference.rpartition(":")
    if not code or not number.isdigit():
        raise CommandError(f"“{reference}”既不是规则文件，也不是“项目代码:版本号”", returncode=2)
    version = ProgrammeVersion.objects.filter(programme__code=code, number=int(number)).first()
    if version is None:
        raise CommandError(f"没有已导入的规则版本“{reference}”", returncode=2)
    return version.ruleset, str(version)


class Command(BaseCommand):
    help = "比较两个规则版本（文件或已导入的“项目代码:版本号”），列出条件、流程、金额、日期的变化。"

    def add_arguments(self, parser):
        parser.add_argument("old", help="原规则文件，或 项目代码:版本号")
        parser.add_argument("new", help="新规则文件，或 项目代码:版本号")

    def handle(self, *args, **options):
        try:
            old, old_name = read(options["old"])
            new, new_name = read(options["new"])
        except RuleSetError as exc:
            raise CommandError(f"规则文件有误：\n{exc}", returncode=2) from exc
        changes = describe(old, new)
        self.stdout.write(f"{old_name} → {new_name}")
        if not changes:
            self.stdout.write("两个版本的规则相同。")
            return
        for change in changes:
            self.stdout.write(f"- {change.text}")
        self.stdout.write(f"共 {len(changes)} 处变化。")
