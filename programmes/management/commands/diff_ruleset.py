"""python manage.py diff_ruleset OLD NEW

OLD and NEW are rule-set files (fixtures/programmes/x.yaml, or a draft) or loaded versions
written CODE@NUMBER (shanghai-craftsman@1). Prints in Chinese what changed: conditions, stages,
amounts, dates (programmes.ruleset_diff). Exit 2 with a message for a file or version that
cannot be read.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.models import ProgrammeVersion
from programmes.ruleset import RuleSetError, load_ruleset
from programmes.ruleset_diff import describe, ruleset_diff


def _ruleset(ref: str):
    if "@" in ref and not Path(ref).exists():
        code, _sep, number = ref.partition("@")
        try:
            version = ProgrammeVersion.objects.get(programme__code=code, number=int(number))
        except (ValueError, ProgrammeVersion.DoesNotExist):
            raise CommandError(
                f"{ref}: 没有已导入的该版本（应写作 项目代码@版本号）", returncode=2
            ) from None
        return version.ruleset, f"{code} 第{version.number}版"
    try:
        return load_ruleset(ref), ref
    except RuleSetError as exc:
        raise CommandError(str(exc), returncode=2) from exc


class Command(BaseCommand):
    help = "比较两个规则集（文件或已导入的版本，如 shanghai-craftsman@1），用中文列出条件、阶段、金额、日期的变化。"

    def add_arguments(self, parser):
        parser.add_argument("old", help="原规则：文件路径或 项目代码@版本号")
        parser.add_argument("new", help="新规则：文件路径或 项目代码@版本号")

    def handle(self, *args, **options):
        old, old_label = _ruleset(options["old"])
        new, new_label = _ruleset(options["new"])
        self.stdout.write(f"{old_label} → {new_label}")
        for line in describe(ruleset_diff(old, new)):
            self.stdout.write(line)
