"""What the ledger must change to hold what the facts make due, and the auditor's comparison.

Pure functions over plain data: the payments the schedule functions make due
(`subsidies.schedules.payments_due`, the call `manage.py simulate` makes) and the rows the ledger
holds. No Django, no clock: the day comes in as an argument. `subsidies.ledger.reconcile_award`
loads the rows, calls `corrections` and inserts what it returns; `manage.py audit_ledger` and the
award's page call `audit`.

Per ledger key (payment kind and period), with D what the facts make due (0 when nothing is),
M what the office ordered back by hand (责令追回, a decision of its own, never undone here) and
H the net of every row held (payments, top-ups, recoveries of both origins):
- the target is max(0, D - M): money the office ordered back is not paid out again;
- H below the target: a payment of the difference (the key's first row, or a top-up row);
- H above the target: a recovery claim (追回) of the difference pointing at the key's payment.
Only keys whose due date falls in a period a run has already covered (or that the ledger holds)
are compared: later months are the runs' business. Nothing held is ever changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from subsidies.schedules import DuePayment

ZERO = Decimal("0.00")
RECOVERY_PREFIX = "recovery:"

# Origins of ledger rows (subsidies.models.Payment.Origin).
SCHEDULE, TOP_UP, RECONCILE, ORDER = "schedule", "top_up", "reconcile", "order"
# States of a positive row: in a paid batch, in a draft or approved batch, not in a batch yet.
PAID, BATCHED, WAITING = "paid", "batched", "waiting"
# States of a recovery claim.
PENDING, CONFIRMED, APPROVED = "pending", "confirmed", "approved"


@dataclass(frozen=True)
class HeldRow:
    """A ledger row as the comparison reads it; `kind` is the payment kind it pays or recovers."""

    pk: int | None
    kind: str
    period: str
    seq: int
    amount: Decimal
    origin: str
    state: str
    due_on: date
    payee: str = "person"
    funding: str = "other"
    cause: str = ""

    @property
    def is_recovery(self) -> bool:
        return self.amount < 0


@dataclass(frozen=True)
class Correction:
    """A row to insert: a payment (`amount` > 0) or a recovery claim (`amount` < 0)."""

    kind: str  # the ledger kind: the payment kind, or recovery:<kind>
    period: str
    seq: int
    amount: Decimal
    due_on: date
    payee: str
    funding: str
    origin: str
    recovers: int | None = None


def recovery_kind(kind: str) -> str:
    """The ledger kind of a recovery of `kind` (at most 40 characters, the column's width)."""
    return (RECOVERY_PREFIX + kind)[:40]


@dataclass
class _Key:
    kind: str
    period: str
    due: DuePayment | None = None
    rows: list[HeldRow] = field(default_factory=list)

    @property
    def due_amount(self) -> Decimal:
        return self.due.amount if self.due is not None else ZERO

    @property
    def ordered(self) -> Decimal:
        """What the office ordered back by hand (a positive amount)."""
        return -sum((r.amount for r in self.rows if r.origin == ORDER), ZERO)

    @property
    def held(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    @property
    def target(self) -> Decimal:
        return max(ZERO, self.due_amount - self.ordered)


def _keys(
    due: Iterable[DuePayment], held: Iterable[HeldRow], covered: Callable[[DuePayment], bool]
) -> dict[tuple[str, str], _Key]:
    keys: dict[tuple[str, str], _Key] = {}
    for row in held:
        keys.setdefault((row.kind, row.period), _Key(row.kind, row.period)).rows.append(row)
    for payment in due:
        key = (payment.kind, payment.period)
        if key in keys or covered(payment):
            keys.setdefault(key, _Key(payment.kind, payment.period)).due = payment
    return keys


def corrections(
    due: Sequence[DuePayment],
    held: Sequence[HeldRow],
    *,
    covered: Callable[[DuePayment], bool],
    today: date,
) -> list[Correction]:
    """The rows that bring the ledger to what the facts make due (see the module's docstring).

    `due`: every payment the facts make due (any date); `held`: every row of the award;
    `covered(payment)`: whether a run has covered the payment's date. A payment is dated as the
    schedule dates it (so the next run's batch takes it); a recovery claim is dated `today`.
    """
    out: list[Correction] = []
    for key in sorted(_keys(due, held, covered).values(), key=lambda k: (k.kind, k.period)):
        difference = key.target - key.held
        if difference == 0:
            continue
        payments = [r for r in key.rows if not r.is_recovery]
        recoveries = [r for r in key.rows if r.is_recovery]
        if difference > 0:
            template = key.due
            if template is None:  # pragma: no cover - target > 0 needs a due payment
                continue
            first = not any(r.seq == 0 for r in payments)
            out.append(
                Correction(
                    kind=key.kind,
                    period=key.period,
                    seq=0 if first else max(r.seq for r in payments) + 1,
                    amount=difference,
                    due_on=template.date,
                    payee=template.payee,
                    funding=template.funding,
                    origin=SCHEDULE if first else TOP_UP,
                )
            )
        else:
            if not payments:  # pragma: no cover - held above target needs a payment
                continue
            recovered = min(payments, key=lambda r: r.seq)
            out.append(
                Correction(
                    kind=recovery_kind(key.kind),
                    period=key.period,
                    seq=max((r.seq for r in recoveries), default=-1) + 1,
                    amount=difference,
                    due_on=today,
                    payee=recovered.payee,
                    funding=recovered.funding,
                    origin=RECONCILE,
                    recovers=recovered.pk,
                )
            )
    return out


# --- the auditor's view --------------------------------------------------------------------


@dataclass(frozen=True)
class AuditLine:
    """One ledger key: what is due and what the ledger holds, and the difference with its reason.

    `paid` (in a paid batch), `batched` (in a batch not yet paid), `waiting` (not in a batch
    yet) add up the payments; `pending_recovery` (claims awaiting the office or finance) and
    `recovered` (approved) the recovery claims made on reconciliation; `ordered` the recoveries
    the office ordered by hand. `difference` = due - (payments - recoveries of both kinds).
    """

    kind: str
    period: str
    due: Decimal
    paid: Decimal
    batched: Decimal
    waiting: Decimal
    pending_recovery: Decimal
    recovered: Decimal
    ordered: Decimal
    difference: Decimal
    reason: str
    explained: bool
    causes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audit:
    lines: list[AuditLine]

    @property
    def unexplained(self) -> list[AuditLine]:
        return [line for line in self.lines if not line.explained]

    def total(self, attribute: str) -> Decimal:
        return sum((getattr(line, attribute) for line in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        """Payments minus every recovery (pending, confirmed, approved, ordered)."""
        return (
            self.total("paid")
            + self.total("batched")
            + self.total("waiting")
            - self.total("pending_recovery")
            - self.total("recovered")
            - self.total("ordered")
        )


def audit(
    due: Sequence[DuePayment], held: Sequence[HeldRow], *, covered: Callable[[DuePayment], bool]
) -> Audit:
    """Per key, what the facts make due against what the ledger holds (`manage.py audit_ledger`).

    A difference is explained when it is the office's own recovery order (责令追回, with the
    reason it gave); any other difference is unexplained: reconciliation should have left none.
    """
    lines = []
    for key in sorted(_keys(due, held, covered).values(), key=lambda k: (k.kind, k.period)):
        sums = dict.fromkeys((PAID, BATCHED, WAITING), ZERO)
        pending = recovered = ZERO
        causes = []
        for row in key.rows:
            if row.is_recovery:
                if row.origin == ORDER:
                    causes.append(row.cause)
                elif row.state == APPROVED:
                    recovered -= row.amount
                else:
                    pending -= row.amount
            else:
                sums[row.state] += row.amount
        ordered = key.ordered
        difference = key.due_amount - key.held
        if difference == 0:
            reason, explained = "", True
        elif ordered and key.held == key.target:
            reason, explained = "责令追回：" + "；".join(c for c in causes if c), True
        elif difference > 0:
            reason, explained = "应发未入台账", False
        else:
            reason, explained = "已列支但按现有记录不应发放，且无追回", False
        lines.append(
            AuditLine(
                kind=key.kind,
                period=key.period,
                due=key.due_amount,
                paid=sums[PAID],
                batched=sums[BATCHED],
                waiting=sums[WAITING],
                pending_recovery=pending,
                recovered=recovered,
                ordered=ordered,
                difference=difference,
                reason=reason,
                explained=explained,
                causes=tuple(c for c in causes if c),
            )
        )
    return Audit(lines=lines)
