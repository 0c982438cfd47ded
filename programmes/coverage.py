"""Which clause of the policy text each rule encodes, and which clauses were left out.

Read by `manage.py programme_coverage`: one row per rule of a parsed rule set
(programmes.ruleset.RuleSet), in the order of the file, with the clause from its `source:`.
"""

from __future__ import annotations

from programmes.ruleset import NotEncoded, RuleSet

Row = tuple[str, str, str]


def coverage_rows(ruleset: RuleSet) -> list[Row]:
    """(section, rule code, clause) for every rule of the rule set that names a clause."""
    rows: list[Row] = []
    add = rows.append
    identity = ruleset.identity
    if identity.in_force_source:
        add(("identity", "in_force", identity.in_force_source))
    for item in identity.supersedes:
        add(("identity", f"supersedes.{item.document_number}", item.source))

    form = ruleset.form
    if form.cover:
        add(("form", "cover", form.cover.source))
    if form.instructions:
        add(("form", "instructions", form.instructions.source))
    for section in form.sections:
        add(("form", f"section.{section.code}", section.source))
        for item in section.items:
            if item.source:
                add(("form", f"field.{section.code}.{item.code}", item.source))
    for opinion in form.opinions:
        add(("form", f"opinion.{opinion.code}", opinion.source))
    for item in form.checklist:
        add(("form", f"checklist.{item.code}", item.source))

    eligibility = ruleset.eligibility
    for check in eligibility.checks:
        add(("eligibility", check.code, check.source))
    for condition in eligibility.conditions:
        add(("eligibility", f"condition.{condition.code}", condition.source))
    for channel in eligibility.channels:
        add(("eligibility", f"channel.{channel.code}", channel.source))
    if eligibility.internal_publicity:
        add(("eligibility", "internal_publicity", eligibility.internal_publicity.source))
    if eligibility.application_window:
        add(("eligibility", "application_window", eligibility.application_window.source))

    for stage in ruleset.workflow.stages:
        add(("workflow", stage.code, stage.source))

    scoring = ruleset.scoring
    if scoring is not None:
        add(("scoring", "review", scoring.source))
        if scoring.sheet:
            add(("scoring", "sheet", scoring.sheet.source))
        for item in scoring.items:
            add(("scoring", f"item.{item.code}", scoring.source))
        for criterion in scoring.criteria:
            add(("scoring", f"criterion.{criterion.code}", criterion.source))
        if scoring.quota:
            add(("scoring", "quota", scoring.quota.source))
        if scoring.tie_rule:
            add(("scoring", f"tie_rule.{scoring.tie_rule.code}", scoring.tie_rule.source))
        for priority in scoring.priorities:
            add(("scoring", f"priority.{priority.code}", priority.source))
        if scoring.groups:
            add(("scoring", "groups", scoring.groups.source))

    benefits = ruleset.benefits
    add(("benefits", "term", benefits.source))
    if benefits.no_double_benefit:
        add(("benefits", "no_double_benefit", benefits.no_double_benefit.source))
    if benefits.stops_on_other_title:
        add(("benefits", "stops_on_other_title", benefits.stops_on_other_title.source))
    for schedule in benefits.schedules:
        add(("benefits", schedule.code, schedule.source))

    for assessment in ruleset.assessments:
        add(("assessments", assessment.code, assessment.source))

    for event in ("suspended", "revoked", "left_post"):
        rule = getattr(ruleset.adjustments, event)
        if rule is not None:
            add(("adjustments", event, rule.source))
    return rows


def not_encoded(ruleset: RuleSet) -> list[NotEncoded]:
    """The clauses deliberately not encoded, each with its reason, in the order of the file."""
    return list(ruleset.not_encoded)
