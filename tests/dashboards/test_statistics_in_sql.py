"""The statistics summed by the database give what the audit trail and the sheets say: the
score spread and the time in stage against the same figures computed in Python from the rows,
on the load-test data set."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean, pstdev

import pytest
from django.db.models import Q

from applications.models import ApplicationEvent
from dashboards import statistics as stats
from reviews.models import ScoreSheet
from subsidies.load_data import seed


@pytest.fixture
def rounds(demo_people):
    seed(applications=80, seed=11, log=lambda _message: None)
    return stats.rounds_in_scope({stats.ALL})


def test_time_in_stage_is_the_audit_trails_spans(rounds):
    spans = defaultdict(list)
    previous = None
    events = (
        ApplicationEvent.objects.filter(application__round__in=rounds)
        .exclude(to_stage="")
        .order_by("application_id", "at", "id")
        .values_list("application_id", "at", "to_stage")
    )
    for application_id, at, stage in events:
        if previous and previous[0] == application_id and previous[2] != stage:
            spans[previous[2]].append((at - previous[1]).total_seconds() / 86400)
            previous = (application_id, at, stage)
        elif not previous or previous[0] != application_id:
            previous = (application_id, at, stage)
    titles = {}
    for chosen in rounds:
        for stage in chosen.version.ruleset.workflow.stages:
            titles.setdefault(stage.code, stage.title)
    expected = {
        titles[code]: [len(v), round(mean(v), 1), round(max(v), 1)] for code, v in spans.items()
    }
    table = stats.time_in_stage(rounds, Q())
    assert {row[0]: row[1:] for row in table["rows"]} == expected
    assert len(expected) > 5


def test_the_score_spread_lists_the_highest_means_and_the_download_all(rounds):
    totals = defaultdict(list)
    for sheet in ScoreSheet.objects.filter(submitted_at__isnull=False):
        totals[sheet.assignment.application_id].append(float(sheet.total))
    everyone = stats.score_spread(rounds, limit=None)
    assert len(everyone["rows"]) == len(totals) > 5 and "note" not in everyone
    means = sorted((round(mean(v), 2) for v in totals.values()), reverse=True)
    assert [row[2] for row in everyone["rows"]] == means
    spreads = sorted(round(pstdev(v), 2) for v in totals.values())
    assert sorted(row[5] for row in everyone["rows"]) == spreads
    shown = stats.score_spread(rounds, limit=3)
    assert shown["rows"] == everyone["rows"][:3]
    assert f"共 {len(totals)} 人" in shown["note"]
