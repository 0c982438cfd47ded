"""The rounds of the demo year (`subsidies.demo_year`): how many applications each gets and why,
from what its text says (see that module's docstring)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PLANS", "Plan"]


@dataclass(frozen=True)
class Plan:
    code: str
    series: int  # the phone block of its applicants
    count: int
    units: int
    office: str
    authority: str
    experts: tuple[str, ...]
    freelancers: int = 0  # 市中 第八条: applicants without a unit, through their street
    publicity_open: bool = False  # the round's publicity is running today (with an objection)
    document: str = ""
    year: int | None = None  # a past round of that year (opened here), else the demo round
    school: bool = True  # the last unit a public institution (where the district has one)


PLANS = [
    Plan(
        "songjiang-chief-technician",
        1,
        48,
        24,
        "chen_office",
        "songjiang-hrss",
        ("expert_a", "expert_b"),
        publicity_open=True,
    ),
    Plan(
        "qingpu-chief-technician-subsidy",
        2,
        36,
        12,
        "qingpu_office",
        "qingpu-hrss",
        ("qingpu_expert",),
        document="青人社〔2026〕8号（示例）",
    ),
    Plan(
        "shizhong-chief-technician",
        3,
        30,
        9,
        "shizhong_office",
        "shizhong-hrss",
        ("shizhong_expert",),
        freelancers=3,
        document="市中政办字〔2026〕3号（示例）",
    ),
    # 青人社〔2020〕54号 六(二): projects that ran a full cycle apply for more (one a unit).
    Plan(
        "qingpu-chief-technician-additional-funding",
        4,
        18,
        18,
        "qingpu_office",
        "qingpu-hrss",
        ("qingpu_expert",),
        document="青人社〔2026〕9号（示例）",
    ),
    # 沪松人社〔2024〕9号: a handful of bases a year, each one organisation.
    Plan(
        "songjiang-training-base",
        5,
        12,
        12,
        "chen_office",
        "songjiang-hrss",
        ("expert_a", "expert_b"),
        publicity_open=True,
        school=False,
    ),
    # 沪松人社规〔2024〕1号 三 (every two years): the 2024 round, named, with its ledger.
    Plan(
        "songjiang-chief-technician",
        6,
        40,
        20,
        "chen_office",
        "songjiang-hrss",
        ("expert_a", "expert_b"),
        document="沪松人社〔2024〕120号（示例）",
        year=2024,
    ),
]
