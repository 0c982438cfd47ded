"""The panels, assignments and score sheets of the data set."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from reviews.models import Assignment, Panel, ScoreRow, ScoreSheet
from reviews.services import sheet_items
from subsidies.load_data.plan import EXPERT_KINDS, EXPERTS_PER_APPLICATION, SHEETS_PER_APPLICATION


class Scoring:
    def scores(self):

        rng = self.rng
        panels: dict[tuple[int, str], Panel] = {}
        work = []  # (application, panel key, submitted?)
        for application, placement in zip(self.apps, self.placements, strict=True):
            ruleset = self.rulesets[application.round_id]
            for number, (code, when) in enumerate(placement.trail):
                if ruleset.stage(code).kind not in EXPERT_KINDS:
                    continue
                key = (application.round_id, code)
                if key not in panels:
                    panels[key] = Panel(
                        round=application.round,
                        stage=code,
                        created_by=self.offices[self.authority_of[application.round_id]],
                    )
                here = number == len(placement.trail) - 1 and application.status == "in_review"
                work.append((application, key, when, here))
                break  # one expert stage per application
        Panel.objects.bulk_create(panels.values())
        # Those past the expert stage have every sheet (the gate let them on); those still at
        # it have as many of theirs as bring the whole to SHEETS_PER_APPLICATION.
        past = sum(EXPERTS_PER_APPLICATION for *_w, here in work if not here)
        waiting = sum(EXPERTS_PER_APPLICATION for *_w, here in work if here)
        share = min(1.0, max(0.0, (SHEETS_PER_APPLICATION * self.n - past) / max(waiting, 1)))
        assignments, sheets = [], []
        for application, key, when, here in work:
            authority = self.authority_of[application.round_id]
            pool = self.experts[authority]
            for expert in rng.sample(pool, EXPERTS_PER_APPLICATION):
                assignment = Assignment(
                    panel=panels[key],
                    application=application,
                    expert=expert,
                    method=Assignment.Method.DRAW,
                    assigned_by=self.offices[authority],
                )
                assignments.append(assignment)
                if not here or rng.random() < share:
                    sheets.append((assignment, application, when))
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        made, rows = [], []
        items = {}
        for assignment, application, when in sheets:
            ruleset = self.rulesets[application.round_id]
            if application.round_id not in items:
                items[application.round_id] = sheet_items(ruleset)
            points = [
                (item.code, Decimal(str(round(float(item.max_points) * rng.uniform(0.55, 1.0), 1))))
                for item in items[application.round_id]
            ]
            sheet = ScoreSheet(
                assignment=assignment,
                opinion="材料齐全，业绩突出。",
                total=sum((p for _c, p in points), Decimal("0")),
                submitted_at=when + timedelta(days=rng.randrange(1, 5)),
            )
            made.append(sheet)
            rows.extend(ScoreRow(sheet=sheet, item=c, points=p) for c, p in points)
        ScoreSheet.objects.bulk_create(made, batch_size=2000)
        ScoreRow.objects.bulk_create(rows, batch_size=5000)
        self.counts.score_sheets = len(made)

    # --- awards and the ledger ---------------------------------------------------------
