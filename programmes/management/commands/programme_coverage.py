from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programmes.coverage import coverage_rows, not_encoded
from programmes.loader import ruleset_files
from programmes.ruleset import RuleSetError, load_ruleset


class Command(BaseCommand):
    help = "列出每个人才项目的规则及其对应的政策条款，以及有意未编码的条款和原因。"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="项目代码；缺省为全部")

    def handle(self, *args, **options):
        paths = ruleset_files()
        if options["codes"]:
            wanted = set(options["codes"])
            unknown = wanted - {p.stem for p in paths}
            if unknown:
                raise CommandError("未知的项目代码：" + "、".join(sorted(unknown)), returncode=2)
            paths = [p for p in paths if p.stem in wanted]
        for path in paths:
            try:
                ruleset = load_ruleset(Path(path))
            except RuleSetError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            identity = ruleset.identity
            self.stdout.write(
                f"== {identity.code} {identity.name_zh}"
                f"（{identity.document_number or identity.document_title}）"
            )
            for section, code, source in coverage_rows(ruleset):
                self.stdout.write(f"  {section:<14} {code:<36} {source}")
            skipped = not_encoded(ruleset)
            if skipped:
                self.stdout.write("  -- 未编码的条款：")
                for item in skipped:
                    source = getattr(item, "source", None) or item["source"]
                    reason = getattr(item, "reason", None) or item["reason"]
                    self.stdout.write(f"  {source:<14} {reason}")
