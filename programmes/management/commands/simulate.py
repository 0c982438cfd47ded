"""python manage.py simulate SCENARIO.yaml [--format json|table] [--ruleset FILE.yaml]

The contract is ../shared/SCENARIOS.md: JSON on stdout and nothing else; exit 2 with a clear
message on stderr (and nothing on stdout) for a file that is not valid.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from programmes.loader import RULESET_DIR
from programmes.models import ProgrammeVersion
from programmes.ruleset import (
    RepeatedKeyError,
    RuleSetError,
    load_ruleset,
    load_strict_yaml,
    parse_ruleset,
    ruleset_digest,
)
from programmes.selectors import working_day_calendar
from programmes.simulation import ScenarioError, parse_scenario, simulate

RESULT_LABELS = {"pass": "通过", "warn": "需说明", "fail": "不符合"}
TITLE_LABELS = {
    "held": "保留称号",
    "suspended": "暂停",
    "revoked": "撤销",
    "expired": "期满",
    "none": "未命名",
}
BENEFIT_LABELS = {
    "not_started": "未开始",
    "paying": "发放中",
    "stopped": "已停止",
    "completed": "已发放完毕",
}


class Command(BaseCommand):
    help = "按情景文件试算规则：资格、流程、公示期限、待遇发放和考核（不写入任何数据）。"

    def add_arguments(self, parser):
        parser.add_argument("scenario", help="情景文件（YAML）")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--ruleset", help="用尚未导入的规则文件试算")

    def handle(self, *args, **options):
        try:
            result = run_scenario_file(Path(options["scenario"]), options.get("ruleset"))
        except (ScenarioError, RuleSetError) as exc:
            raise CommandError(f"{options['scenario']}: {exc}", returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"数据库不可用或尚未初始化（{exc.__class__.__name__}），"
                "请先运行 python manage.py migrate",
                returncode=2,
            ) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(result))


def read_scenario(path: Path) -> dict:
    """The scenario file's data, read with the rule sets' strict loader: a key given twice is
    refused with its line, and an unquoted date that is no date (2025-02-29) stays its text, so
    that the scenario's validation names the field (exit 2) instead of YAML failing."""
    if not path.exists():
        raise ScenarioError("找不到情景文件")
    try:
        return load_strict_yaml(path.read_text(encoding="utf-8"))
    except RepeatedKeyError as exc:
        raise ScenarioError(str(exc)) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML 格式错误：{exc}") from exc


def run_scenario_file(path: Path, ruleset_file: str | None = None) -> dict:
    data = read_scenario(path)
    scenario = parse_scenario(data)
    ruleset, version = resolve_ruleset(scenario, ruleset_file)
    return simulate(scenario, ruleset, working_day_calendar(), version=version)


def resolve_ruleset(scenario, ruleset_file: str | None):
    """The rule set to run: a given file, else the loaded version (newest unless pinned)."""
    if ruleset_file:
        path = Path(ruleset_file)
        if not path.exists():
            raise ScenarioError(f"找不到规则文件 {ruleset_file}")
        ruleset = load_ruleset(path)
        if ruleset.identity.code != scenario.programme:
            raise ScenarioError(
                f"规则文件是项目“{ruleset.identity.code}”的，情景是“{scenario.programme}”的"
            )
        digest = ruleset_digest(ruleset.model_dump(mode="json"))
        loaded = ProgrammeVersion.objects.filter(
            programme__code=scenario.programme, digest=digest
        ).first()
        return ruleset, (loaded.number if loaded else None)
    versions = ProgrammeVersion.objects.filter(programme__code=scenario.programme)
    if scenario.version is not None:
        versions = versions.filter(number=scenario.version)
    else:  # the newest version in force: not a draft awaiting approval, not a retired one
        versions = versions.filter(state=ProgrammeVersion.State.ACTIVE)
    version = versions.order_by("-number").first()
    if version is not None:
        return parse_ruleset(version.data, source=version.source_file), version.number
    file = RULESET_DIR / f"{scenario.programme}.yaml"
    if scenario.version is None and file.exists():
        return load_ruleset(file), None
    if (
        scenario.version is not None
        and ProgrammeVersion.objects.filter(programme__code=scenario.programme).exists()
    ):
        raise ScenarioError(f"项目“{scenario.programme}”没有第{scenario.version}版")
    raise ScenarioError(f"未知的项目“{scenario.programme}”")


def render_table(result: dict) -> str:
    lines = [f"项目：{result['programme']}　版本：{result['version'] or '未导入'}"]
    lines.append(f"资格：{'符合' if result['eligible'] else '不符合'}")
    for check in result["checks"]:
        lines.append(
            f"  [{RESULT_LABELS[check['result']]}] {check['code']}：{check['message']}"
            f"（{check['source']}）"
        )
    if result["retirement_date"]:
        lines.append(f"法定退休日期：{result['retirement_date']}")
    lines.append("流程：")
    for stage in result["workflow"]:
        days = f"，{stage['working_days']}个工作日" if stage["working_days"] else ""
        lines.append(f"  {stage['stage']}（{stage['kind']}，{stage['role']}{days}）")
    if result["deadlines"]:
        lines.append("公示期限：")
        for item in result["deadlines"]:
            lines.append(f"  {item['stage']}：{item['starts']} 至 {item['ends']}")
    lines.append("待遇发放：")
    for p in result["payments"]:
        payee = "个人" if p["payee"] == "person" else "单位"
        lines.append(
            f"  {p['date']}  {p['period']:<8} {p['kind']:<24} {payee} {p['amount']:>12}  {p['funding']}"
        )
    lines.append(f"  合计 {len(result['payments'])} 笔")
    lines.append("考核：")
    for a in result["assessments"]:
        lines.append(f"  {a['kind']:<12} 应于 {a['due']}  结果：{a['result'] or '—'}")
    lines.append(f"称号：{TITLE_LABELS.get(result['title'], result['title'])}")
    lines.append(f"待遇：{BENEFIT_LABELS.get(result['benefits'], result['benefits'])}")
    return "\n".join(lines)
