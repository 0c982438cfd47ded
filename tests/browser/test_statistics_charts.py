"""The statistics charts in Chromium (issue 17, item 8): counts on whole-number ticks, category
labels horizontal and no wider than the room each has."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each chart: its key, whether it counts, the value axis' ticks, and per category axis its
# rotation, the widest label and the room per label (Chart.js' own measurements).
MEASURE = """() => Array.from(document.querySelectorAll("canvas.stat-chart")).map(c => {
  const chart = Chart.getChart(c);
  const data = JSON.parse(document.getElementById(c.dataset.chart).textContent);
  const out = {key: c.dataset.chart, integer: data.integer, type: data.type, values: [], categories: []};
  for (const scale of Object.values(chart.scales || {})) {
    if (scale.type === "linear") out.values.push(scale.ticks.map(t => t.value));
    if (scale.type === "category") {
      const horizontal = scale.isHorizontal();
      const sizes = scale._labelSizes;
      out.categories.push({
        rotation: scale.labelRotation, ticks: scale.ticks.length, labels: chart.data.labels.length,
        widest: horizontal ? sizes.widest.width : sizes.highest.height,
        room: (horizontal ? scale.width : scale.height) / Math.max(1, scale.ticks.length),
        axisWidth: horizontal ? 0 : scale.width, chartWidth: chart.width,
      });
    }
  }
  return out;
})"""


def test_statistics_chart_ticks_are_integers_and_labels_fit(page, live_server, sign_in):
    call_command("load_demo", stdout=io.StringIO())
    sign_in("chen_office", DEMO_PASSWORD)
    page.goto(live_server.url + "/statistics/")
    page.locator("canvas.stat-chart").first.wait_for()
    page.wait_for_function("() => typeof Chart === 'function'")
    charts = page.evaluate(MEASURE)
    counted = [c for c in charts if c["integer"] and c["type"] == "bar"]
    assert counted, charts
    for chart in counted:
        for ticks in chart["values"]:
            assert ticks and all(float(t).is_integer() for t in ticks), chart
    for chart in charts:
        for axis in chart["categories"]:
            assert axis["rotation"] == 0, chart
            assert axis["ticks"] == axis["labels"], chart  # none skipped
            assert axis["widest"] <= axis["room"] + 1, chart
            assert axis["axisWidth"] <= axis["chartWidth"] / 2, chart


def test_a_chart_of_many_long_stage_names_keeps_each_label_in_its_own_room(
    page, live_server, sign_in
):
    """A year of work puts applications at every stage of every programme: the stage chart of
    all rounds then has many bars whose names are long sentences of the texts. Each label stays
    within its bar's room (the chart grows with its bars), shortened with … when it is longer
    than two lines; the table below keeps the whole name."""
    call_command("load_demo", stdout=io.StringIO())
    call_command("seed_load", applications=300, stdout=io.StringIO())
    sign_in("chen_office", DEMO_PASSWORD)
    page.goto(live_server.url + "/statistics/")
    page.locator("canvas.stat-chart").first.wait_for()
    page.wait_for_function("() => typeof Chart === 'function'")
    charts = page.evaluate(MEASURE)
    crowded = [a for c in charts for a in c["categories"] if a["labels"] >= 12]
    assert crowded, charts
    for chart in charts:
        for axis in chart["categories"]:
            assert axis["rotation"] == 0, chart
            assert axis["ticks"] == axis["labels"], chart
            assert axis["widest"] <= axis["room"] + 1, chart
    shortened = page.evaluate(
        """() => Array.from(document.querySelectorAll("canvas.stat-chart")).flatMap(c => {
            const chart = Chart.getChart(c);
            return Object.values(chart.scales).filter(s => s.type === "category")
              .flatMap(s => s.ticks.map(t => [].concat(t.label).join("")));
        })"""
    )
    assert any(label.endswith("…") for label in shortened), shortened
    assert all(len(label) <= 12 for label in shortened), shortened
