"""What `load_programmes` and `validate_programmes` share: the rule-set files they are given."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.loader import ruleset_files


class RuleFilesCommand(BaseCommand):
    """A command over rule-set files: those named, or every file of fixtures/programmes/."""

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="规则文件；缺省为 fixtures/programmes/ 下全部文件"
        )

    def rule_files(self, options) -> list[Path]:
        """The files named (each must exist; exit 2 otherwise), else every rule-set file."""
        paths = [Path(f) for f in options["files"]] or ruleset_files()
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError("找不到规则文件：" + "、".join(missing), returncode=2)
        return paths
