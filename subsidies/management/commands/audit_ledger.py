"""`manage.py audit_ledger [--award ID] [--programme CODE]`: the ledger against the facts.

Per award: what the recorded facts make due (the pure schedule functions `simulate` uses) and
what the ledger holds (paid, in a batch, waiting for a batch, pending recovery, recovered), and
each difference with its reason. Exit 1 when any difference is unexplained, 2 for a bad argument.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from subsidies import ledger
from subsidies.models import Award

COLUMNS = ("应发", "已发放", "在批次中", "待入批次", "待追回", "已追回")


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


class Command(BaseCommand):
    help = "核对待遇台账：按已记录情况应发的金额与台账所记的比较，逐项说明差额（有无法说明的差额时退出码为 1）"

    def add_arguments(self, parser):
        parser.add_argument("--award", type=int, help="只核对这一项待遇（编号）")
        parser.add_argument("--programme", help="只核对这一项目（规则代码）")

    def handle(self, *args, **options):
        awards = Award.objects.select_related("ruleset_version__programme").order_by("pk")
        if options["award"] is not None:
            awards = awards.filter(pk=options["award"])
            if not awards.exists():
                raise CommandError(f"没有编号为 {options['award']} 的待遇", returncode=2)
        if options["programme"]:
            awards = awards.filter(ruleset_version__programme__code=options["programme"])
            if not awards.exists():
                raise CommandError(f"项目“{options['programme']}”没有待遇", returncode=2)
        unexplained = checked = 0
        for award in awards.iterator(chunk_size=500):
            checked += 1
            audit = ledger.audit_award(award)
            labels = {s.code: s.label for s in award.ruleset_version.ruleset.benefits.schedules}
            self.stdout.write(
                f"待遇 {award.pk} {award.name}（{award.ruleset_version.programme.code}）"
                f" 应发 {_money(audit.total('due'))} 元，台账净额 {_money(audit.net)} 元"
            )
            for line in audit.lines:
                amounts = (
                    line.due,
                    line.paid,
                    line.batched,
                    line.waiting,
                    line.pending_recovery,
                    line.recovered + line.ordered,
                )
                text = "，".join(f"{c} {_money(a)}" for c, a in zip(COLUMNS, amounts, strict=True))
                note = ""
                if line.difference:
                    status = "已说明" if line.explained else "无法说明"
                    note = f"；差额 {_money(line.difference)}（{status}：{line.reason}）"
                self.stdout.write(
                    f"  {labels.get(line.kind, line.kind)} {line.period}：{text}{note}"
                )
            unexplained += len(audit.unexplained)
        self.stdout.write(f"共核对 {checked} 项待遇，无法说明的差额 {unexplained} 处")
        if unexplained:
            raise CommandError(f"有 {unexplained} 处无法说明的差额", returncode=1)
