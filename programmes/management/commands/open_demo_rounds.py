"""The demo rounds (used by load_demo): an open round for each text in force today, a past
round for each text that is not.

- A text in force today (Songjiang's two) gets a round open today.
- A text that expired (Qingpu, 青人社〔2020〕54号 九1, and Shizhong, 第十六条: both until
  2025-12-31) or that governs one year's round only (上海工匠: the 2024 notice, its channels'
  windows in 2024) gets a past round inside its window: applications closed, review going on
  (status 评审中), so its staff still have work; no round is open for it today.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from programmes.models import Programme, Round
from programmes.rounds import open_round
from programmes.ruleset import in_force_on


def round_year(ruleset) -> int | None:
    """The one year a text's rounds belong to, when its channels' windows name it (上海工匠)."""
    years = {
        c.window.opens.year
        for c in ruleset.eligibility.channels
        if getattr(c, "window", None) is not None
    }
    return years.pop() if len(years) == 1 else None


def demo_window(ruleset, *, today: date) -> tuple[int, date, date, str]:
    """(year, opens, closes, status) of the programme's demo round on `today`."""
    fixed = round_year(ruleset)
    if in_force_on(ruleset, today) and fixed in (None, today.year):
        return today.year, today - timedelta(days=7), today + timedelta(days=60), Round.Status.OPEN
    if fixed is not None:
        window = next(c.window for c in ruleset.eligibility.channels if c.window is not None)
        return fixed, window.opens, window.closes, Round.Status.REVIEW
    until = ruleset.identity.in_force_until or today
    year = until.year
    quarter = getattr(ruleset.eligibility.application_window, "quarter", None)
    if quarter:  # 市中 第九条(一): the selection year's fourth quarter
        opens = date(year, 3 * quarter - 2, 8)
        closes = min(opens + timedelta(days=45), until)
    else:
        opens, closes = date(year, 4, 1), date(year, 5, 31)
    return year, opens, closes, Round.Status.REVIEW


class Command(BaseCommand):
    help = (
        "为每个已导入的人才项目开设演示申报批次：现行有效的政策开设开放中的批次，"
        "已失效或仅适用于某一年度的政策开设往年批次（已截止、评审中）。已有则保留。"
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        for programme in Programme.objects.all():
            version = programme.latest_version
            if version is None:
                continue
            ruleset = version.ruleset
            year, opens, closes, status = demo_window(ruleset, today=today)
            name = f"{year}年度{programme.name}申报（演示）"
            quota = (version.data.get("scoring") or {}).get("quota") or {}
            existing = Round.objects.filter(version__programme=programme, name=name).first()
            if existing is not None:
                self.stdout.write(f"{existing.name}: 已存在")
                continue
            try:
                round_ = open_round(
                    version=version,
                    name=name,
                    year=year,
                    opens_on=opens,
                    closes_on=closes,
                    quota=quota.get("count"),
                    status=status,
                )
            except ValidationError as exc:
                # the text's round rules allow no demo round (Round.clean says why)
                reasons = "；".join(m for ms in exc.message_dict.values() for m in ms)
                self.stdout.write(f"{programme.name}: 不开设演示批次（{reasons}）")
                continue
            self.stdout.write(f"{round_.name}: 新建")
