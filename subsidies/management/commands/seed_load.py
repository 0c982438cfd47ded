from datetime import date

from django.core.management.base import BaseCommand, CommandError

from subsidies import load_data


class Command(BaseCommand):
    help = (
        "生成压测数据（负载测试数据集）：N 条申报，分布于六个规则集的各个批次和流程的每个阶段，"
        "含单位（每 40 条申报 1 个单位）、16 个街镇、50 名专家、评分表（进入专家评审的申报各 3 名专家）、"
        "命名（约 10%）及其历年台账（由月度、年度发放计算生成）。同样的 N、--seed 和 --today "
        "生成同样的数据；数据库中已有压测数据时拒绝运行（办理记录只增不删）。比例详见 "
        "subsidies/load_data.py。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="申报数 N")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="视为今天的日期 YYYY-MM-DD"
        )

    def handle(self, *args, applications, seed, today, **options):
        quiet = options["verbosity"] < 2
        try:
            counts = load_data.seed(
                applications=applications,
                seed=seed,
                today=today,
                log=(lambda _m: None) if quiet else self.stdout.write,
            )
        except load_data.SeedError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for line in counts.lines():
            self.stdout.write(line)
