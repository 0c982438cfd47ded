"""The data set's proportions and the pieces the builders share (subsidies.load_data)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from stdnum.cn import ric

from applications.models import Application
from programmes.models import Round
from programmes.rounds import round_problems

PREFIX = "load_"
MARK = "压测"
UNITS_PER = 40  # applications per unit
SHARES = (
    ("songjiang-chief-technician", 0.40),
    ("shanghai-craftsman", 0.20),
    ("shizhong-chief-technician", 0.12),
    ("qingpu-chief-technician-subsidy", 0.12),
    ("songjiang-training-base", 0.10),
    ("qingpu-chief-technician-additional-funding", 0.06),
)
STREETS = {
    "songjiang": [
        "songjiang-yueyang", "songjiang-yongfeng", "songjiang-fangsong", "songjiang-zhongshan",
        "songjiang-guangfulin", "songjiang-jiuliting", "songjiang-sijing", "songjiang-chedun",
        "songjiang-jiuting", "songjiang-economic-zone",
    ],
    "qingpu": ["qingpu-xiayang", "qingpu-yingpu", "qingpu-xianghuaqiao", "qingpu-zhaoxiang"],
    "shizhong": ["shizhong-zhongxinjie", "shizhong-guangminglu"],
}  # fmt: skip
UNIT_SHARE = {"songjiang": 0.55, "qingpu": 0.3, "shizhong": 0.15}
AREA = {"songjiang": "310117", "qingpu": "310118", "shizhong": "370402"}
DEPARTMENTS = {
    "songjiang": ["songjiang-education", "songjiang-health", "songjiang-economy"],
    "qingpu": ["qingpu-education", "qingpu-economy"],
    "shizhong": ["shizhong-education", "shizhong-industry"],
}
EXPERTS = (("songjiang-hrss", 20), ("qingpu-hrss", 10), ("shanghai-ftu", 10), ("shizhong-hrss", 10))
EXPERTS_PER_APPLICATION = 3
SHEETS_PER_APPLICATION = 0.43
FINISHED_SHARE = 0.25
NAMED_SHARE = 0.40
EXPERT_KINDS = frozenset({"expert_review", "expert_scoring", "release_meeting", "interview"})
UNIT_SIDE = frozenset({"unit_review", "internal_publicity"})


class SeedError(Exception):
    """The database cannot take the data set (already seeded, rule sets missing)."""


@dataclass
class Counts:
    applications: int = 0
    drafts: int = 0
    units: int = 0
    streets: int = 0
    experts: int = 0
    rounds: int = 0
    events: int = 0
    score_sheets: int = 0
    awards: int = 0
    payments: int = 0
    by_stage: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        per_award = self.payments / self.awards if self.awards else 0
        return [
            f"申报 {self.applications} 条（草稿 {self.drafts}），批次 {self.rounds} 个，"
            f"单位 {self.units} 个，街镇 {self.streets} 个，专家 {self.experts} 名",
            f"办理记录 {self.events} 条，评分表 {self.score_sheets} 份"
            f"（每条申报 {self.score_sheets / max(self.applications, 1):.2f} 份）",
            f"命名 {self.awards} 个，台账 {self.payments} 笔（每个命名 {per_award:.1f} 笔）",
        ]


def seeded_applications():

    return Application.objects.filter(applicant__username__startswith=PREFIX)


def _aware(day: date, rng: random.Random) -> datetime:
    moment = time(8 + rng.randrange(10), rng.randrange(60))
    return timezone.make_aware(datetime.combine(day, moment))


def _early(rng: random.Random, count: int) -> int:
    """A stage index, the early stages far more often (most of a round's files are still at
    the first reviews; fewer reach the experts)."""
    return min(int(count * rng.random() ** 2.5), count - 1)


def _named_on(round_, today: date) -> date:
    """Naming about ten weeks after the round closes (publicity and approval done)."""
    return min(round_.closes_on + timedelta(days=70), today - timedelta(days=1))


def _id_number(district: str, index: int) -> str:

    born = date(1972, 1, 1) + timedelta(days=index // 900)
    first = f"{AREA[district]}{born:%Y%m%d}{100 + index % 900:03d}"
    return first + ric.calc_check_digit(first + "0")


def _rounds_of(version, today: date, taken: list[int]):
    """(year, opens_on, closes_on, status) of the rounds the text allows, newest first."""

    ruleset = version.ruleset
    identity = ruleset.identity
    top = min(today.year, identity.in_force_until.year if identity.in_force_until else today.year)
    chosen: list[tuple] = []
    for year in range(top, today.year - 5, -1):
        if len(chosen) == 3:
            break
        live = not chosen
        if live and year == today.year and identity.in_force_from <= today - timedelta(days=30):
            opens, closes, status = today - timedelta(days=30), today + timedelta(days=30), "open"
        else:
            quarter = next((r.value for r in ruleset.rounds if r.rule == "quarter"), 2)
            opens = max(date(year, 3 * quarter - 2, 1), identity.in_force_from)
            closes = opens + timedelta(days=45)
            status = Round.Status.REVIEW if live else Round.Status.CLOSED
        if identity.in_force_until and closes > identity.in_force_until:
            closes = identity.in_force_until
        if closes < opens or (status != "open" and closes >= today):
            continue
        problems = round_problems(
            ruleset,
            year=year,
            opens_on=opens,
            closes_on=closes,
            quota=None,
            other_years=[c[0] for c in chosen] + taken,
        )
        if not problems:
            chosen.append((year, opens, closes, status))
    return chosen


class Base:
    def __init__(self, n: int, seed: int, today: date, log):
        self.n, self.today, self.log = n, today, log
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.counts = Counts()

        self.unusable = make_password(None)  # no one signs in with a seeded account

    # --- the organisations and people ----------------------------------------------------
