"""`manage.py award_scenario AWARD_ID -o FILE.yaml`: an award's recorded facts as a scenario.

The file (../shared/SCENARIOS.md) holds the programme and version, the naming and every fact
recorded on the award in date order, and `until` the last day the payment runs have covered;
`manage.py simulate FILE.yaml` then lists the payments the ledger holds net of its recovery
claims (subsidies.reconciliation keeps them equal).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from subsidies import scenario_export
from subsidies.models import Award


class Command(BaseCommand):
    help = "把一项待遇已记录的情况写成情景文件，供 manage.py simulate 试算"

    def add_arguments(self, parser):
        parser.add_argument("award", type=int, help="待遇编号")
        parser.add_argument("-o", "--output", required=True, help="写入的情景文件（YAML）")

    def handle(self, *args, **options):
        award = (
            Award.objects.select_related("ruleset_version__programme")
            .filter(pk=options["award"])
            .first()
        )
        if award is None:
            raise CommandError(f"没有编号为 {options['award']} 的待遇", returncode=2)
        data = scenario_export.scenario_of(award)
        Path(options["output"]).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        self.stdout.write(
            f"已写入 {options['output']}（{len(data['events'])} 个事件，计至 {data['until']}）"
        )
