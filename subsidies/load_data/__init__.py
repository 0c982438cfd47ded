"""The load-test data set (`manage.py seed_load`): a city's worth of applications, reviews,
awards and ledger, deterministic for a given size, seed and day.

In this app because it writes all three layers below the dashboards: applications (placed by
the gate's bulk path, `applications.gate.bulk_place`, never by writing status or stage here),
reviews (panels, assignments, score sheets, naming) and subsidies (awards, assessments, and the
ledger filled by the real monthly and annual runs, `subsidies.services.run_payments` /
`run_annual`, so `audit_ledger` finds what it would find in production).

Proportions, for N applications (the issue's 20,000 figures in brackets):

- six rule sets: 松江首席技师 40%, 上海工匠 20%, 市中首席技师 12%, 青浦资助 12%,
  松江培养基地 10%, 青浦追加资助 6%; each on the rounds its text allows (in force, round rules)
  among the last five years: the newest round is live (open for a text in force this year,
  else in review), the earlier ones closed;
- 16 streets (10 in Songjiang, 4 in Qingpu, 2 in Shizhong), N/40 units (500) in those
  streets (85% enterprises, 15% public institutions reporting through a competent department),
  50 experts (20 Songjiang, 10 Qingpu, 10 city union, 10 Shizhong), one account per
  application (applicant, or the unit's login for organisation and project rule sets);
- a quarter of the applications are of finished rounds (40% of those named, the rest rejected
  at a stage that may reject), so about 10% are named and have an award (2,000);
- the live ones: drafts (12% where the round is open), then spread over every stage of their
  path (fewer further on), 8% returned and 8% rejected where the stage allows it, 4% approved
  waiting for naming;
- every submitted application has its frozen version (the rule set's whole demo declaration,
  the name and ID number its own), an audit trail of each stage it entered, and the unit's
  nomination record once past the unit's stages;
- three experts per application that reached an expert stage: the sheets of all those past it
  (about 1.1 sheets per application with these workflows, where three of the six rule sets put
  the experts first or second; the issue's data set had 0.43), and for those still at it only as
  many as bring the whole to 0.43 per application, if any;
- awards with their assessments, and the ledger of every monthly and annual run from the first
  naming to this month (the earlier batches paid, this month's in draft): about 12 rows per
  award, since the texts in force allow rounds from 2024 only (松江 monthly allowances, up to 29).

Names are plainly fictitious (压测人员00001, 压测单位001有限公司, 压测银行); accounts start
with `load_` and have no usable password. A database that already holds seeded rows is refused
(the audit trail is append-only, so they cannot be deleted): seed a fresh database.
"""

from __future__ import annotations

from datetime import date

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from programmes.models import Programme
from subsidies.load_data.awards import Awards
from subsidies.load_data.declarations import Declarations
from subsidies.load_data.people import People
from subsidies.load_data.plan import PREFIX, SHARES, Base, Counts, SeedError, seeded_applications
from subsidies.load_data.scoring import Scoring

__all__ = ["PREFIX", "Counts", "SeedError", "seed", "seeded_applications"]


class _Builder(Base, People, Declarations, Scoring, Awards):
    """The data set, step by step (each step a mixin of its own module)."""


def seed(*, applications: int, seed: int = 1, today: date | None = None, log=print) -> Counts:
    """Build the data set (see the module's docstring) in one transaction; its counts."""

    if applications < 1:
        raise SeedError("申报数应为正整数")
    if seeded_applications().exists():
        raise SeedError(
            f"数据库中已有压测数据（{seeded_applications().count()} 条申报）；办理记录只增不删，"
            "请在一个新的数据库上运行"
        )
    today = today or timezone.localdate()
    call_command("load_regions", verbosity=0, stdout=_Null())
    if Programme.objects.count() < len(SHARES):
        call_command("load_programmes", verbosity=0, stdout=_Null(), stderr=_Null())
    builder = _Builder(applications, seed, today, log)
    with transaction.atomic():
        for step in (
            "organisations",
            "staff",
            "rounds",
            "applications",
            "scores",
            "awards",
            "ledger",
        ):
            log(f"{step} …")
            getattr(builder, step)()
    return builder.counts


class _Null:
    def write(self, *_args):
        pass

    def flush(self):
        pass
