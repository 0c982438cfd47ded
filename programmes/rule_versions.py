"""Rule sets kept by the office in the portal: upload or copy a version, compare, try, approve.

A version's rules never change. What moves is its state: an office user uploads a file (or copies
the version in force and edits its common parameters) as a draft (草稿); submits it (待审核); a
second office user of the same authority activates it (生效); a version no new round should use
is retired (停用). Rounds already open keep the version they were opened on; a round opened
afterwards pins the version it names (the newest in force by default).

Who may: `may_manage(user, programme)` — the office of the programme's own authority (and the
system administrator, who may look and load but not approve an office's draft).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal import audit, scope
from programmes import rounds
from programmes.models import Programme, ProgrammeVersion, Round
from programmes.ruleset import (
    RuleSet,
    RuleSetError,
    load_ruleset_text,
    load_strict_yaml,
    read_strict_yaml,
    ruleset_digest,
)
from programmes.ruleset_diff import Change, ruleset_diff
from programmes.selectors import working_day_calendar
from programmes.simulation import ScenarioError, parse_scenario, simulate
from programmes.versions import as_yaml

State = ProgrammeVersion.State
SCENARIO_DIR = Path(settings.BASE_DIR) / "fixtures" / "scenarios"


class RuleVersionError(Exception):
    """A refused step, with the message (Chinese) to show beside the form or button."""


# --- who may ------------------------------------------------------------------------------


def is_programme_office(user, programme: Programme) -> bool:
    """An office user of the programme's own authority (portal.scope decides who that is);
    the system administrator is not one: they may look and load, never approve a draft."""
    if not programme.authority_id or scope.is_system_admin(user):
        return False
    return programme.authority_id in (scope.office_authority_ids(user) or set())


def may_approve(user, version: ProgrammeVersion) -> bool:
    """Four eyes: an office user of the programme's authority other than the uploader."""
    return is_programme_office(user, version.programme) and version.uploaded_by_id != user.pk


def may_manage(user, programme: Programme) -> bool:
    """Who sees and works the programme's rules page: the `change` scope of Programme."""
    return user.has_perm(scope.perm_name("change", Programme), programme)


def managed_programmes(user):
    """The programmes whose rules `user` keeps (for the workbench and the admin)."""
    return list(scope.changeable(user, Programme.objects.order_by("code")))


# --- drafts ------------------------------------------------------------------------------


def _locked(version: ProgrammeVersion) -> ProgrammeVersion:
    return ProgrammeVersion.objects.select_for_update().get(pk=version.pk)


@transaction.atomic
def upload_version(
    *,
    programme: Programme,
    text: str,
    by,
    source_name: str = "",
    note: str = "",
    scenarios: list[dict] | None = None,
) -> ProgrammeVersion:
    """Store a rule-set file's text as a draft version of `programme`.

    Raises RuleSetError (every problem with its path and line) for an invalid file and
    RuleVersionError for a valid file that is not a new version of this programme; nothing is
    stored then. `scenarios`: extra scenario files [{name, text}] tried with the draft.
    """
    if not may_manage(by, programme):
        raise RuleVersionError("您不能修改该项目的规则。")
    ruleset = load_ruleset_text(text, source=source_name or "上传的规则文件")
    if ruleset.identity.code != programme.code:
        raise RuleVersionError(
            f"规则文件的项目代码“{ruleset.identity.code}”与本项目“{programme.code}”不一致。"
        )
    data = ruleset.model_dump(mode="json")
    digest = ruleset_digest(data)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    same = programme.versions.filter(digest=digest).first()
    if same is not None:
        raise RuleVersionError(f"上传的规则与第{same.number}版完全相同，无需新建版本。")
    last = programme.versions.order_by("-number").first()
    return ProgrammeVersion.objects.create(
        programme=programme,
        number=(last.number + 1) if last else 1,
        digest=digest,
        data=data,
        source_file=f"上传：{source_name}" if source_name else "上传",
        source_text=text,
        state=State.DRAFT,
        uploaded_by=by,
        note=note[:200],
        trial_scenarios=list(scenarios or []),
    )


# The common parameters of a rule set that the copy form edits (the rest stays as it is).
@dataclass
class Parameters:
    in_force_from: object = None
    in_force_until: object = None
    quota: int | None = None
    amounts: dict[str, str] = field(default_factory=dict)  # schedule code -> amount
    publicity_days: dict[str, int] = field(default_factory=dict)  # stage code -> working days
    windows: dict[str, tuple] = field(default_factory=dict)  # channel code -> (opens, closes)


def parameters_of(ruleset: RuleSet) -> Parameters:
    """The common parameters as they stand in a rule set (the copy form's initial values)."""
    params = Parameters(
        in_force_from=ruleset.identity.in_force_from,
        in_force_until=ruleset.identity.in_force_until,
        quota=ruleset.scoring.quota.count if ruleset.scoring and ruleset.scoring.quota else None,
    )
    for schedule in ruleset.benefits.schedules:
        if schedule.amount is not None:
            params.amounts[schedule.code] = str(schedule.amount)
    for stage in ruleset.workflow.stages:
        if stage.kind == "publicity" and stage.working_days:
            params.publicity_days[stage.code] = stage.working_days
    for channel in ruleset.eligibility.channels:
        if channel.window is not None:
            params.windows[channel.code] = (channel.window.opens, channel.window.closes)
    return params


def with_parameters(data: dict, params: Parameters) -> dict:
    """A copy of a rule set's data with the common parameters replaced."""
    data = copy.deepcopy(data)
    identity = data["identity"]
    identity["in_force_from"] = params.in_force_from.isoformat() if params.in_force_from else None
    identity["in_force_until"] = (
        params.in_force_until.isoformat() if params.in_force_until else None
    )
    if params.quota is not None and (data.get("scoring") or {}).get("quota"):
        data["scoring"]["quota"]["count"] = params.quota
    for schedule in data["benefits"]["schedules"]:
        if schedule["code"] in params.amounts:
            try:
                amount = Decimal(str(params.amounts[schedule["code"]]))
            except InvalidOperation as exc:
                raise RuleVersionError(f"“{schedule.get('label')}”的金额应为数字。") from exc
            schedule["amount"] = f"{amount:.2f}"
    for stage in data["workflow"]["stages"]:
        if stage["code"] in params.publicity_days:
            stage["working_days"] = params.publicity_days[stage["code"]]
    for channel in data["eligibility"]["channels"]:
        if channel["code"] in params.windows:
            opens, closes = params.windows[channel["code"]]
            channel["window"] = {"opens": opens.isoformat(), "closes": closes.isoformat()}
    return data


def copy_version(
    *, version: ProgrammeVersion, params: Parameters, by, note: str = ""
) -> ProgrammeVersion:
    """A draft that is `version` with its common parameters changed, written back as YAML."""
    data = with_parameters(version.data, params)
    header = (
        f"# 由第{version.number}版复制并修改常用参数（{timezone.localdate():%Y-%m-%d}，"
        f"{by.get_username()}）\n"
    )
    text = header + as_yaml(_without_nulls(data))
    return upload_version(
        programme=version.programme,
        text=text,
        by=by,
        source_name=f"第{version.number}版的副本.yaml",
        note=note,
    )


def _without_nulls(value):
    """The data as a person would write it: keys with no value left out (they are defaults)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _require_state(version: ProgrammeVersion, state: str, refusal: str) -> None:
    if version.state != state:
        raise RuleVersionError(f"{refusal}（该版本为“{version.get_state_display()}”）。")


def _managed(version: ProgrammeVersion, by, state: str, refusal: str) -> ProgrammeVersion:
    """The version locked, for a step of one who may manage its programme, in `state`."""
    version = _locked(version)
    if not may_manage(by, version.programme):
        raise RuleVersionError("您不能修改该项目的规则。")
    _require_state(version, state, refusal)
    return version


def _move(version: ProgrammeVersion, state: str, *, by, what: str, **stamps) -> ProgrammeVersion:
    """Set the version's state and its stamps (who, when), with the audit row."""
    version.state = state
    for name, value in stamps.items():
        setattr(version, name, value)
    version.save(update_fields=["state", *stamps])
    audit.record("decision", user=by, obj=version, detail=f"规则第{version.number}版{what}")
    return version


@transaction.atomic
def submit_version(*, version: ProgrammeVersion, by) -> ProgrammeVersion:
    """A draft goes to approval (草稿 → 待审核)."""
    version = _managed(version, by, State.DRAFT, "只有草稿可以提交审核")
    return _move(version, State.PENDING, by=by, what="提交审核", submitted_at=timezone.now())


@transaction.atomic
def approve_version(*, version: ProgrammeVersion, by) -> ProgrammeVersion:
    """Four eyes: a second office user of the programme's authority activates the version."""
    version = _locked(version)
    if not is_programme_office(by, version.programme):
        raise RuleVersionError("只有本项目主管部门的经办人员可以审核规则版本。")
    _require_state(version, State.PENDING, "只有待审核的版本可以生效")
    if not may_approve(by, version):
        raise RuleVersionError("上传人不能审核自己上传的版本，请由本部门另一位经办人员审核。")
    return _move(
        version, State.ACTIVE, by=by, what="审核生效", approved_by=by, approved_at=timezone.now()
    )


@transaction.atomic
def retire_version(*, version: ProgrammeVersion, by) -> ProgrammeVersion:
    """No new round on this version (rounds already open on it keep it)."""
    version = _managed(version, by, State.ACTIVE, "只有生效的版本可以停用")
    return _move(version, State.RETIRED, by=by, what="停用", retired_at=timezone.now())


@transaction.atomic
def open_round(*, version: ProgrammeVersion, by, **fields) -> Round:
    """Open a round on an active version for office user `by`: the fields (name, year,
    opens_on, closes_on, quota) as in programmes.rounds.open_round, refused with a
    ValidationError naming the clause where the version is not in force or the text's round
    rules forbid it (Round.full_clean)."""
    if not may_manage(by, version.programme):
        raise RuleVersionError("您不能为该项目开启申报批次。")
    return rounds.open_round(version=version, status=Round.Status.OPEN, **fields)


# --- compare and try ---------------------------------------------------------------------


def in_force_version(programme: Programme, *, besides: ProgrammeVersion | None = None):
    """The version a draft is compared with: the newest active one other than `besides`."""
    versions = programme.versions.filter(state=State.ACTIVE).order_by("-number")
    if besides is not None:
        versions = versions.exclude(pk=besides.pk)
    return versions.first()


def compare(version: ProgrammeVersion) -> tuple[ProgrammeVersion | None, list[Change]]:
    """The version in force and what `version` changes in it, in words (the same function as
    `manage.py diff_ruleset`)."""
    base = in_force_version(version.programme, besides=version)
    return base, (ruleset_diff(base.ruleset, version.ruleset) if base else [])


@dataclass(frozen=True)
class Trial:
    """One scenario tried on a draft: `status` pass (as before), changed or failed."""

    name: str
    status: str
    changes: tuple[str, ...] = ()

    STATUS_LABELS = {"pass": "不变", "changed": "有变化", "failed": "失败"}

    @property
    def label(self) -> str:
        return self.STATUS_LABELS[self.status]


def _scenario_texts(version: ProgrammeVersion) -> list[tuple[str, str]]:
    code = version.programme.code
    texts = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        try:
            # a file with a repeated key is still listed: its trial fails with the key's line
            data = read_strict_yaml(text).data
        except (yaml.YAMLError, ValueError):
            continue
        if isinstance(data, dict) and data.get("programme") == code:
            texts.append((path.name, text))
    texts += [(item["name"], item["text"]) for item in version.trial_scenarios or []]
    return texts


def _money(payments) -> str:
    total = sum((Decimal(p["amount"]) for p in payments), Decimal("0"))
    return f"{len(payments)} 笔，共 {total:.2f} 元"


def _differences(before: dict, after: dict) -> list[str]:
    """What a scenario's result changed, in the words of the simulate table."""
    changes = []
    if before["eligible"] != after["eligible"]:
        word = {True: "符合", False: "不符合"}
        changes.append(f"资格：{word[before['eligible']]} → {word[after['eligible']]}")
    old_checks = {c["code"]: c["result"] for c in before["checks"]}
    for check in after["checks"]:
        if old_checks.get(check["code"]) not in (None, check["result"]):
            changes.append(
                f"资格检查 {check['code']}：{old_checks[check['code']]} → {check['result']}"
            )
    if [s["stage"] for s in before["workflow"]] != [s["stage"] for s in after["workflow"]]:
        changes.append("流程：阶段有增减或顺序不同")
    if before["deadlines"] != after["deadlines"]:
        old = "、".join(f"{d['starts']}至{d['ends']}" for d in before["deadlines"]) or "无"
        new = "、".join(f"{d['starts']}至{d['ends']}" for d in after["deadlines"]) or "无"
        changes.append(f"公示期限：{old} → {new}")
    if before["payments"] != after["payments"]:
        changes.append(f"待遇：{_money(before['payments'])} → {_money(after['payments'])}")
    if before["assessments"] != after["assessments"]:
        changes.append("考核：应考核的次数或日期不同")
    if (before["title"], before["benefits"]) != (after["title"], after["benefits"]):
        changes.append(
            f"称号与待遇状态：{before['title']}/{before['benefits']} → "
            f"{after['title']}/{after['benefits']}"
        )
    return changes


def try_scenarios(version: ProgrammeVersion) -> list[Trial]:
    """Run the programme's scenario files (and those uploaded with the draft) through
    `simulate` on the version in force and on `version`; pass, changed or failed each."""
    base, _ = compare(version)
    calendar = working_day_calendar()
    trials = []
    for name, text in _scenario_texts(version):
        try:
            scenario = parse_scenario(load_strict_yaml(text))
            after = simulate(scenario, version.ruleset, calendar, version=version.number)
        except (ScenarioError, RuleSetError, yaml.YAMLError, ValueError) as exc:
            trials.append(Trial(name, "failed", (str(exc),)))
            continue
        if base is None:
            trials.append(Trial(name, "pass"))
            continue
        try:
            before = simulate(scenario, base.ruleset, calendar, version=base.number)
        except (ScenarioError, RuleSetError, ValueError) as exc:
            trials.append(Trial(name, "changed", (f"现行版本无法试算：{exc}",)))
            continue
        changes = _differences(before, after)
        trials.append(Trial(name, "changed" if changes else "pass", tuple(changes)))
    return trials


def validation_problems(exc: RuleSetError) -> list[str]:
    """An invalid file's problems as lines to show, each with its path and line."""
    return [f"{path}：{message}" if path else message for path, message in exc.problems] or [
        str(exc)
    ]
