"""Running a rule set's checks: the text in force, bans, then each check with its severity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from programmes.eligibility.registry import (
    REGISTRY,
    CheckResult,
)
from programmes.facts import (
    ApplicantFacts,
    parse_facts,
)

# --- evaluation ----------------------------------------------------------------------------


def effective_params(rule, eligibility) -> dict[str, Any]:
    """A rule's parameters with what the rule set says elsewhere filled in.

    - `application_window`: without `opens`/`closes`, the windows of the rule set's channels and
      its `application_window`;
    - `channel_allowed`: without `channels`, the rule set's channels (and their `employment`);
    - `professional_condition`/`organisation_condition`: the condition labels, for messages.
    """
    params = dict(rule.params or {})
    if rule.code == "application_window" and not ("opens" in params or "closes" in params):
        windows = {
            c.code: {"opens": c.window.opens, "closes": c.window.closes}
            for c in eligibility.channels
            if c.window is not None
        }
        params.setdefault("windows", windows)
        general = getattr(eligibility, "application_window", None)
        if general is not None and (general.opens or general.closes):
            params["opens"], params["closes"] = general.opens, general.closes
    elif rule.code == "channel_allowed":
        if "channels" not in params:
            params["channels"] = [c.code for c in eligibility.channels]
            params.setdefault(
                "employment",
                {c.code: list(c.employment) for c in eligibility.channels if c.employment},
            )
        params.setdefault("labels", {c.code: c.label for c in eligibility.channels})
    elif rule.code in ("professional_condition", "organisation_condition"):
        params.setdefault("labels", {c.code: c.label for c in eligibility.conditions})
    return params


def applies(rule, channel: str | None) -> bool:
    """Whether a rule applies to an applicant of `channel` (all rules when it is not known)."""
    return not rule.channels or channel is None or channel in rule.channels


def evaluate(
    eligibility, facts: ApplicantFacts | dict, *, on: date, channel: str | None = None
) -> list[CheckResult]:
    """Run the rule set's checks in order; a violation takes the rule's severity.

    `eligibility` is a rule set's `eligibility` section (programmes.ruleset.Eligibility). A rule
    limited to some channels is skipped for an applicant of another channel. A missing fact is
    `fail` whatever the severity. The rule's `message`, when given, replaces the check's message
    for a violation.
    """
    if not isinstance(facts, ApplicantFacts):
        facts = parse_facts(facts)
    results = []
    for rule in eligibility.checks:
        if not applies(rule, channel):
            continue
        check = REGISTRY[rule.code]
        answer = check(facts, effective_params(rule, eligibility), on=on, channel=channel)
        result, message = answer.result, answer.message
        if result == "fail" and not answer.missing:
            result = rule.severity
            message = rule.message or message
        results.append(CheckResult(rule.code, result, message, rule.source, answer.missing))
    return results


def policy_in_force(identity, *, on: date) -> CheckResult:
    """`policy_in_force`: the text must be in force on the application's date (fail, no
    exception): from `in_force_from` (青人社〔2020〕54号 九1: 自2021年1月1日起施行) to
    `in_force_until` (市中政办字〔2020〕33号 第十六条: 有效期至2025年12月31日)."""
    source = identity.in_force_source or ""
    start, end = identity.in_force_from, identity.in_force_until
    if on < start:
        message = f"申报日期 {on} 早于政策施行日期 {start}"
        return CheckResult("policy_in_force", "fail", message, source)
    if end is not None and on > end:
        message = f"申报日期 {on} 已超过政策有效期（至 {end}）"
        return CheckResult("policy_in_force", "fail", message, source)
    window = f"{start} 起" + (f"至 {end}" if end else "")
    return CheckResult("policy_in_force", "pass", f"政策在有效期内（{window}）", source)


@dataclass(frozen=True)
class Finding:
    """A finding the office recorded in an earlier round: which ban rule, against whom
    (`person` or `unit`), and the day it was made."""

    rule: str
    against: str
    found_on: date


def not_barred(bans, findings, *, on: date) -> CheckResult:
    """`not_barred`: no finding of an earlier round bars the applicant or the unit on `on`
    (fail, no exception): 上海工匠 五(三) for 3 years from the finding; 市中政办字〔2020〕33号
    第十四条(三) with no end."""
    rules = {rule.code: rule for rule in bans}
    for finding in findings:
        rule = rules.get(finding.rule)
        if rule is None or finding.against not in rule.barred or on < finding.found_on:
            continue
        if rule.years is not None:
            until = _add_years(finding.found_on, rule.years)
            if on >= until:
                continue
            span = f"{finding.found_on} 起{rule.years}年内（至 {until - timedelta(days=1)}）"
        else:
            span = f"自 {finding.found_on} 起"
        who = "申报人" if finding.against == "person" else "所在单位"
        message = f"{rule.label}：{span}不再接受该{who}的申报"
        return CheckResult("not_barred", "fail", message, rule.source)
    return CheckResult("not_barred", "pass", "无禁止申报的认定", "、".join(r.source for r in bans))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def assess(
    ruleset,
    facts: ApplicantFacts | dict,
    *,
    on: date,
    channel: str | None = None,
    eligibility=None,
    findings=(),
) -> list[CheckResult]:
    """The eligibility of an application, the same for `simulate` and the live pre-check: the
    text in force on `on`, the bans of earlier rounds' findings (where the rule set has bans),
    then the rule set's checks (`eligibility`: the round's copy of the rule set's section, with
    the round's own dates, when given)."""
    results = [policy_in_force(ruleset.identity, on=on)]
    if ruleset.bans:
        results.append(not_barred(ruleset.bans, findings, on=on))
    results.extend(evaluate(eligibility or ruleset.eligibility, facts, on=on, channel=channel))
    return results


def eligible(results: Iterable[CheckResult]) -> bool:
    """True when no check failed (warnings need a written reason, not a refusal)."""
    return all(r.result != "fail" for r in results)


def validate_params(code: str, params: dict | None) -> list[tuple[str, str]]:
    """Problems with a rule's parameters as (path inside `params`, message); [] when valid."""
    check = REGISTRY.get(code)
    if check is None:
        return [("", f"未知的检查“{code}”")]
    try:
        check.parse_params(params)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = ".".join(str(p) for p in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                known = "、".join(check.params_model.model_fields) or "（无参数）"
                message = f"检查“{code}”没有参数“{error['loc'][-1]}”（可用：{known}）"
            problems.append((path, message))
        return problems
    return []
