"""Ranking candidates against the quota, with the cut line and the ties at it.

沪松人社规〔2024〕1号 三 (about 25 each time), 市中政办字〔2020〕33号 第四条 (at most 10) and
第七条(五) (equal candidates: those aged 45 or under first), 青人社〔2020〕54号 四 (competitive
review). Ties at the line are never broken here: the office decides them with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    key: int
    score: Decimal | None


@dataclass(frozen=True)
class Ranked:
    key: int
    score: Decimal | None
    rank: int | None  # 1, 2, 2, 4 ...; None without a score


@dataclass(frozen=True)
class Ranking:
    ranked: tuple[Ranked, ...]
    selected: tuple[int, ...]  # keys inside the line
    tied: tuple[int, ...]  # keys tied at the line, for the office to decide
    places_for_tied: int  # how many of the tied can still be taken
    cut_score: Decimal | None  # the lowest score inside the line (or of the tie)
    quota: int | None


def rank(candidates: Sequence[Candidate], quota: int | None) -> Ranking:
    """Rank by score (highest first; competition ranking 1, 2, 2, 4) and draw the line.

    Without a quota everyone scored is inside. With one, those ranked strictly inside are
    selected; if the candidates sharing the score at the line would take more places than are
    left, they are returned as `tied` with the number of places left for them. Candidates
    without a score are ranked last and never selected.
    """
    scored = sorted((c for c in candidates if c.score is not None), key=lambda c: (-c.score, c.key))
    unscored = sorted((c for c in candidates if c.score is None), key=lambda c: c.key)
    ranked: list[Ranked] = []
    previous, previous_rank = None, 0
    for position, candidate in enumerate(scored, start=1):
        this_rank = previous_rank if candidate.score == previous else position
        ranked.append(Ranked(candidate.key, candidate.score, this_rank))
        previous, previous_rank = candidate.score, this_rank
    ranked.extend(Ranked(c.key, None, None) for c in unscored)
    if quota is None or quota >= len(scored):
        selected = tuple(r.key for r in ranked if r.score is not None)
        cut = scored[-1].score if scored else None
        return Ranking(tuple(ranked), selected, (), 0, cut, quota)
    line_score = scored[quota - 1].score
    above = tuple(r.key for r in ranked if r.score is not None and r.score > line_score)
    at_line = tuple(r.key for r in ranked if r.score == line_score)
    places = quota - len(above)
    if len(at_line) <= places:
        return Ranking(tuple(ranked), above + at_line, (), 0, line_score, quota)
    return Ranking(tuple(ranked), above, at_line, places, line_score, quota)


def resolve_tie(ranking: Ranking, chosen: Sequence[int]) -> tuple[int, ...]:
    """The selection once the office chose among the tied: checks the choice fits the places."""
    chosen = tuple(chosen)
    if not ranking.tied:
        raise ValueError("没有需要决定的并列人选")
    if set(chosen) - set(ranking.tied):
        raise ValueError("只能从并列人选中选择")
    if len(set(chosen)) != ranking.places_for_tied:
        raise ValueError(f"应从并列人选中选择 {ranking.places_for_tied} 人")
    return ranking.selected + tuple(k for k in ranking.tied if k in chosen)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def tie_preferred(rule_code: str, params: dict, *, birth: date | None, on: date) -> bool | None:
    """Whether a candidate has the preference the rule set's tie rule names, None when the rule
    is not one the portal can check or the fact is missing.

    市中政办字〔2020〕33号 第七条(五): equal candidates aged 45 or under first
    (`prefer_age_at_most`, params {"years": 45}). Shown to the office; it still decides.
    """
    if rule_code == "prefer_age_at_most" and birth is not None:
        return age_on(birth, on) <= int(params.get("years", 0))
    return None
