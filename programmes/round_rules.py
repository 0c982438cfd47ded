"""What a text allows of a round (pure): its in-force window and its round rules.

`round_problems` takes the rule set, the round's dates and the years of the programme's other
rounds; `Round.clean()` (so the admin's form and `full_clean`) and `programmes.rounds.open_round`
refuse a round with the clause it names.
"""

from __future__ import annotations

from datetime import date


def round_problems(
    ruleset, *, year: int, opens_on: date, closes_on: date, quota: int | None, other_years=()
) -> list[tuple[str, str]]:
    """What the text forbids about this round, as (field, Chinese message with the clause)."""
    problems: list[tuple[str, str]] = []
    identity = ruleset.identity
    source = identity.in_force_source or "文件施行日期"
    start, end = identity.in_force_from, identity.in_force_until
    if opens_on < start:
        problems.append(("opens_on", f"政策自 {start} 起施行（{source}），申报不能早于该日开始"))
    if end is not None and closes_on > end:
        problems.append(
            ("closes_on", f"政策有效期至 {end}（{source}），申报截止日期 {closes_on} 已超出")
        )
    if end is not None and year > end.year:
        problems.append(("year", f"政策有效期至 {end}（{source}），不能开设 {year} 年度的批次"))
    for rule in ruleset.rounds:
        if rule.rule == "years" and year not in rule.value:
            years = "、".join(str(y) for y in rule.value)
            problems.append(("year", f"该文件只适用于 {years} 年度的评选（{rule.source}）"))
        elif rule.rule == "quarter":
            quarter = (opens_on.month - 1) // 3 + 1
            if opens_on.year != year or quarter != rule.value:
                problems.append(
                    (
                        "opens_on",
                        f"申报通知应于评选年度（{year}年）第{'一二三四'[rule.value - 1]}季度发布"
                        f"（{rule.source}），{opens_on} 不在该季度",
                    )
                )
        elif rule.rule == "every_years":
            near = sorted(y for y in other_years if abs(y - year) < rule.value)
            if near:
                problems.append(
                    (
                        "year",
                        f"每{rule.value}年评选一次（{rule.source}），已有 "
                        f"{'、'.join(str(y) for y in near)} 年度的批次",
                    )
                )
        elif rule.rule == "max_quota" and quota is not None and quota > rule.value:
            problems.append(("quota", f"每次评选不超过{rule.value}人（{rule.source}）"))
    return problems
