"""A payment batch per payee: one line per person or unit paid, with the months it covers.

The ledger holds one row per award, kind and period (a monthly allowance paid late is 24 rows
of one person). Finance pays, and checks, one transfer per payee: the batch page and the
payroll sheet show one line per payee (the same name, ID number and account) with the sum, the
kinds and the periods it covers in words (2025年1月至12月). The page masks the ID number and
the account; only the payroll xlsx of an approved batch carries them in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from portal.identity import mask_account, mask_id_number
from subsidies.periods import period_label


def payee_of(row) -> tuple[str, str, str, str]:
    """(name, ID number, bank, account) of the one a ledger row pays, as the award records them.

    A person's row goes to the person the rule set names (the award's person_* fields: for
    青浦 the project leader of the declaration), never to an organisation's login; a unit's row
    to the unit.
    """
    award = row.award
    if row.payee == "person":
        person = award.person
        return (
            award.person_name or (person.display_name if person else ""),
            award.person_id_number or ((person.id_number or "") if person else ""),
            award.person_bank,
            award.person_account,
        )
    return (award.unit.name if award.unit else award.name, "", award.unit_bank, award.unit_account)


def _month(period: str) -> tuple[int, int] | None:
    text = str(period or "")
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return int(text[:4]), int(text[5:])
    return None


def _run_label(first: tuple[int, int], last: tuple[int, int]) -> str:
    if first == last:
        return f"{first[0]}年{first[1]}月"
    if first[0] == last[0]:
        return f"{first[0]}年{first[1]}月至{last[1]}月"
    return f"{first[0]}年{first[1]}月至{last[0]}年{last[1]}月"


def months_covered(periods: Iterable[str]) -> str:
    """The periods of a payee's rows in words: consecutive months as one span
    (2025-11 … 2026-02 -> 2025年11月至2026年2月), the others by period_label, joined by 、.

    >>> months_covered(["2026-01", "2026-02", "2026-03", "2026-05", "2025"])
    '2026年1月至3月、2026年5月、2025年度'
    """
    months = sorted({m for p in periods if (m := _month(p)) is not None})
    others = sorted({str(p) for p in periods if _month(p) is None})
    spans: list[str] = []
    start = previous = None
    for month in months:
        if previous is not None and (month[0] * 12 + month[1]) == (
            previous[0] * 12 + previous[1] + 1
        ):
            previous = month
            continue
        if start is not None:
            spans.append(_run_label(start, previous))
        start = previous = month
    if start is not None:
        spans.append(_run_label(start, previous))
    return "、".join(spans + [period_label(p) for p in others])


@dataclass
class PayeeLine:
    """One payee of a batch: who, where the money goes, how much, for what and which periods."""

    payee: str  # "person" or "unit"
    name: str
    id_number: str
    unit: str
    bank: str
    account: str
    awards: list = field(default_factory=list)  # the awards paid (usually one)
    amount: Decimal = Decimal("0.00")
    kinds: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_account(self) -> str:
        return mask_account(self.account)

    @property
    def months(self) -> str:
        return months_covered(self.periods)

    @property
    def month_count(self) -> int:
        return len({p for p in self.periods if _month(p) is not None})

    @property
    def kinds_label(self) -> str:
        return "、".join(self.kinds)


def _kind_label(kind: str, award) -> str:
    for schedule in award.ruleset_version.ruleset.benefits.schedules:
        if schedule.code == kind:
            return schedule.label
    return kind


def payee_lines(rows: Iterable) -> list[PayeeLine]:
    """The batch's ledger rows folded into one line per payee (the same payee kind, name, ID
    number, unit and account), in the order of the payee's name."""
    lines: dict[tuple, PayeeLine] = {}
    for row in rows:
        name, id_number, bank, account = payee_of(row)
        award = row.award
        unit = award.unit.name if award.unit_id else ""
        key = (row.payee, name, id_number, unit, bank, account)
        line = lines.get(key)
        if line is None:
            line = lines[key] = PayeeLine(row.payee, name, id_number, unit, bank, account)
        if award not in line.awards:
            line.awards.append(award)
        line.amount += row.amount
        label = _kind_label(row.kind, award)
        if label not in line.kinds:
            line.kinds.append(label)
        if row.period not in line.periods:
            line.periods.append(row.period)
        line.rows += 1
    return sorted(lines.values(), key=lambda line: (line.name, line.unit, line.id_number))


def months_note(line: PayeeLine) -> str:
    """The line's periods with the number of months when more than one (共 N 个月)."""
    text = line.months
    if line.month_count > 1:
        text += _("（共 %(n)d 个月）") % {"n": line.month_count}
    return text
