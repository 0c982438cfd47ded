"""The rule-set schema (programmes/ruleset/), the five rule-set files, and the coverage listing.

Pure: no Django, no database. Invalid files are made by changing one thing in a copy of a real
rule set, so each test shows exactly which problem gives which path.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from programmes.benefit_rules import AdjustmentRules, AssessmentRule, BenefitRules
from programmes.coverage import coverage_rows, not_encoded
from programmes.eligibility import REGISTRY
from programmes.ruleset import (
    SCHEMA_VERSION,
    RuleSet,
    RuleSetError,
    load_ruleset,
    parse_ruleset,
    ruleset_digest,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
RULESET_DIR = ROOT / "fixtures" / "programmes"
CODES = (
    "songjiang-chief-technician",
    "qingpu-chief-technician-subsidy",
    "songjiang-training-base",
    "shanghai-craftsman",
    "shizhong-chief-technician",
    "qingpu-chief-technician-additional-funding",  # 青人社〔2020〕54号 六(二) (issue 14)
)


def raw(code: str) -> dict:
    return yaml.safe_load((RULESET_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rulesets() -> dict[str, RuleSet]:
    return {code: load_ruleset(RULESET_DIR / f"{code}.yaml") for code in CODES}


def problems_of(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(RuleSetError) as info:
        parse_ruleset(data, source="test.yaml")
    return info.value.problems


def paths_of(data: dict) -> list[str]:
    return [path for path, _ in problems_of(data)]


def changed(code: str, change) -> dict:
    data = copy.deepcopy(raw(code))
    change(data)
    return data


# --- the five files ------------------------------------------------------------------------


def test_exactly_the_rule_set_files_are_there():
    assert {p.stem for p in RULESET_DIR.glob("*.yaml")} == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_every_file_parses_and_is_named_by_its_code(rulesets, code):
    ruleset = rulesets[code]
    assert ruleset.schema_version == SCHEMA_VERSION
    assert ruleset.identity.code == code
    assert ruleset.workflow.stages
    assert ruleset.eligibility.channels


@pytest.mark.parametrize("code", CODES)
def test_every_file_has_a_header_comment_naming_its_policy_text(code):
    text = (RULESET_DIR / f"{code}.yaml").read_text(encoding="utf-8")
    header = text.split("schema_version", 1)[0]
    assert "Policy text:" in header
    assert ".txt" in header


@pytest.mark.parametrize("code", CODES)
def test_a_dumped_rule_set_parses_again_to_the_same_digest(rulesets, code):
    dumped = rulesets[code].model_dump(mode="json")
    assert ruleset_digest(dumped) == ruleset_digest(raw(code)) == ruleset_digest(rulesets[code])
    assert parse_ruleset(dumped) == rulesets[code]


@pytest.mark.parametrize("code", CODES)
def test_every_check_is_registered_and_every_rule_names_a_clause(rulesets, code):
    ruleset = rulesets[code]
    assert all(check.code in REGISTRY for check in ruleset.eligibility.checks)
    rows = coverage_rows(ruleset)
    assert rows
    assert all(source.strip() for _, _, source in rows)
    assert all(item.source and item.reason for item in not_encoded(ruleset))


def test_benefit_sections_use_the_models_of_benefit_rules(rulesets):
    fields = RuleSet.model_fields
    assert fields["benefits"].annotation is BenefitRules
    assert fields["assessments"].annotation == list[AssessmentRule]
    assert fields["adjustments"].annotation is AdjustmentRules
    assert isinstance(rulesets["songjiang-chief-technician"].benefits, BenefitRules)


def test_identities(rulesets):
    shizhong = rulesets["shizhong-chief-technician"].identity
    assert str(shizhong.in_force_until) == "2025-12-31"
    assert shizhong.document_number == "市中政办字〔2020〕33号"
    assert rulesets["qingpu-chief-technician-subsidy"].identity.applicant_kind == "project"
    assert rulesets["songjiang-training-base"].identity.applicant_kind == "organisation"
    craftsman = rulesets["shanghai-craftsman"].identity
    assert (craftsman.level, craftsman.district, craftsman.document_number) == (
        "city",
        "shanghai",
        None,
    )
    assert str(rulesets["qingpu-chief-technician-subsidy"].identity.in_force_from) == "2021-01-01"


# --- Songjiang: the sheet, the checklist, the form ----------------------------------------


def test_songjiang_sheet_sums_to_100_with_the_maxima_of_attachment_3(rulesets):
    scoring = rulesets["songjiang-chief-technician"].scoring
    assert scoring.total == 100
    assert sum(item.max_points for item in scoring.items) == 100
    maxima = {i.code: [item.max_points for item in i.items] for i in scoring.indicators}
    assert maxima == {
        "A": [5, 5, 10],
        "B": [10, 10, 10],
        "C": [10, 10],
        "D": [5],
        "E": [5],
        "F": [10],
        "G": [5],
        "H": [5],
    }
    a3 = next(item for item in scoring.items if item.code == "A3")
    assert "G60 科创走廊紧缺工种" in a3.guidance
    assert scoring.quota.count == 25 and scoring.quota.kind == "about"
    assert scoring.quota.period_years == 2 and scoring.quota.source == "三"


def test_songjiang_checklist_has_the_eleven_items_of_attachment_2_in_order(rulesets):
    checklist = rulesets["songjiang-chief-technician"].form.checklist
    assert len(checklist) == 11
    assert checklist[0].title == "单位所在地镇、街道、园区推荐报告"
    assert checklist[-1].title == "其他需要说明的材料"
    assert [item.source for item in checklist] == [f"附件2二{n}" for n in range(1, 12)]


def test_songjiang_form_follows_the_paper_form(rulesets):
    form = rulesets["songjiang-chief-technician"].form
    assert [s.code for s in form.sections] == [
        "cover",
        "unit",
        "person",
        "work_history",
        "education",
        "awards",
        "intellectual_property",
        "publications",
        "achievements",
        "team",
    ]
    summary = form.field("achievements.summary")
    assert summary.max_length == 200 and summary.required
    for code in ("awards", "intellectual_property", "publications"):
        section = next(s for s in form.sections if s.code == code)
        assert section.kind == "table" and section.within_years.years == 5
    assert [o.role for o in form.opinions] == ["unit_hr", "street_reviewer", "district_office"]
    assert form.cover.title == "松江区首席技师（{year}年）申报表"
    assert [line.label for line in form.cover.lines][:3] == ["推荐方式", "姓名", "推荐单位"]
    assert "印制" in form.cover.printed_by
    assert len(form.instructions.items) == 16


def test_songjiang_warnings_are_where_the_text_says_yiban(rulesets):
    severities = {
        c.code: c.severity for c in rulesets["songjiang-chief-technician"].eligibility.checks
    }
    assert severities["years_to_retirement"] == "warn"
    assert severities["skill_level"] == "warn"
    assert severities["employer_district"] == "fail"
    assert severities["legal_working_age"] == "fail"


def test_songjiang_workflow_routes_enterprises_to_the_street_and_institutions_to_departments(
    rulesets,
):
    ruleset = rulesets["songjiang-chief-technician"]
    street = ruleset.stage("street_review")
    department = ruleset.stage("department_review")
    assert street.applies_to.unit_kinds == ["enterprise"]
    assert department.applies_to.unit_kinds == ["public_institution"]
    publicity = ruleset.stage("publicity")
    assert publicity.working_days == 5
    assert ruleset.stage("internal_publicity").days == 7
    unit = next(c for c in ruleset.eligibility.channels if c.code == "unit")
    assert (unit.cap_per_unit, unit.cap_severity) == (2, "warn")


# --- the other programmes' forms ------------------------------------------------------------


def test_craftsman_form(rulesets):
    ruleset = rulesets["shanghai-craftsman"]
    form = ruleset.form
    powers = {
        "leading_power": "引领力",
        "practice_power": "实践力",
        "innovation_power": "创新力",
        "breakthrough_power": "攻关力",
        "inheritance_power": "传承力",
    }
    sections = {s.code: s for s in form.sections}
    for code, title in powers.items():
        assert sections[code].title == title
    for code in ("leading_power", "practice_power", "breakthrough_power", "inheritance_power"):
        assert len(sections[code].fields) == 3
    innovation = [f.code for f in sections["innovation_power"].fields]
    assert {"invention_patents", "utility_model_patents", "design_patents"} <= set(innovation)
    assert form.field("statements.craftsmanship_understanding").max_length == 100
    statement = form.field("statements.self_statement")
    assert (statement.target_length, statement.max_length) == (500, 600)
    assert len(sections["income_survey"].fields) == 9
    assert sections["honours"].kind == "table"
    assert len(ruleset.scoring.groups.items) == 11
    assert len(form.field("header.group").choices) == 11


def test_shizhong_deeds_and_organisation_forms(rulesets):
    deeds = rulesets["shizhong-chief-technician"].form.field("deeds.deeds")
    assert (deeds.target_length, deeds.max_length) == (1000, 1200)
    for code in ("songjiang-training-base", "qingpu-chief-technician-subsidy"):
        sections = {s.code: s for s in rulesets[code].form.sections}
        assert sections["organisation"].kind == "fields"
        assert sections["budget"].kind == "table"
    projects = {s.code: s for s in rulesets["songjiang-training-base"].form.sections}["projects"]
    assert [c.label for c in projects.columns] == ["项目名称", "等级", "考核方式", "培养对象"]


def test_programmes_without_a_point_sheet_have_criteria_and_say_why(rulesets):
    for code in CODES:
        if code == "songjiang-chief-technician":
            continue
        scoring = rulesets[code].scoring
        assert scoring.total is None and not scoring.indicators
        assert scoring.criteria
        reasons = " ".join(item.reason for item in rulesets[code].not_encoded)
        assert "评分办法" in reasons or "评分" in reasons
    assert rulesets["shizhong-chief-technician"].scoring.quota.kind == "at_most"
    assert rulesets["qingpu-chief-technician-subsidy"].scoring.quota.kind == "at_least"


def test_coverage_lists_the_retirement_check_with_its_clause(rulesets):
    rows = coverage_rows(rulesets["songjiang-chief-technician"])
    assert ("eligibility", "years_to_retirement", "二(二)4") in rows
    assert ("scoring", "item.A1", "附件3") in rows
    assert ("benefits", "monthly_allowance", "五(一)") in rows


# --- invalid files ----------------------------------------------------------------------------


def test_unknown_key_names_its_path_and_the_allowed_keys():
    data = changed("songjiang-chief-technician", lambda d: d["identity"].update(name_eng="x"))
    [(path, message)] = problems_of(data)
    assert path == "identity.name_eng"
    assert "未知的键" in message and "name_en" in message


def test_unknown_key_deep_in_a_form_field():
    def change(d):
        d["form"]["sections"][8]["fields"][0]["max_lenght"] = 3

    assert paths_of(changed("songjiang-chief-technician", change)) == [
        "form.sections[8].fields[0].max_lenght"
    ]


def test_bad_stage_kind():
    def change(d):
        d["workflow"]["stages"][3]["kind"] = "coffee_break"

    [(path, message)] = problems_of(changed("songjiang-chief-technician", change))
    assert path == "workflow.stages[3].kind"
    assert "coffee_break" in message and "street_review" in message


def test_missing_source():
    def change(d):
        del d["eligibility"]["checks"][3]["source"]

    assert paths_of(changed("songjiang-chief-technician", change)) == [
        "eligibility.checks[3].source"
    ]


def test_blank_source():
    def change(d):
        d["workflow"]["stages"][0]["source"] = " "

    assert paths_of(changed("songjiang-chief-technician", change)) == ["workflow.stages[0].source"]


def test_maxima_not_summing_to_the_total():
    def change(d):
        d["scoring"]["indicators"][0]["items"][0]["max_points"] = 10

    [(path, message)] = problems_of(changed("songjiang-chief-technician", change))
    assert path == "scoring.total"
    assert "105" in message and "100" in message


def test_score_item_code_must_belong_to_its_indicator():
    def change(d):
        d["scoring"]["indicators"][1]["items"][0]["code"] = "A9"

    assert paths_of(changed("songjiang-chief-technician", change)) == [
        "scoring.indicators[1].items[0].code"
    ]


def test_unregistered_check_and_unknown_parameter():
    def change(d):
        d["eligibility"]["checks"][3]["code"] = "years_to_retirment"
        d["eligibility"]["checks"][4]["params"]["minimum"] = "technician"

    problems = dict(problems_of(changed("songjiang-chief-technician", change)))
    assert "未登记的检查" in problems["eligibility.checks[3].code"]
    assert "minimum" in problems["eligibility.checks[4].params.minimum"]


def test_bad_parameter_value():
    def change(d):
        d["eligibility"]["checks"][4]["params"]["min"] = "wizard"

    assert paths_of(changed("songjiang-chief-technician", change)) == [
        "eligibility.checks[4].params.min"
    ]


def test_condition_referenced_by_a_check_must_be_defined():
    def change(d):
        d["eligibility"]["checks"][5]["params"]["any_of"].append("juggling")

    [(path, message)] = problems_of(changed("songjiang-chief-technician", change))
    assert path == "eligibility.checks[5].params.any_of"
    assert "juggling" in message


def test_duplicate_stage_code_points_at_the_repeat():
    def change(d):
        d["workflow"]["stages"][4]["code"] = "street_review"

    [(path, message)] = problems_of(changed("songjiang-chief-technician", change))
    assert path == "workflow.stages[4].code"
    assert "重复" in message


def test_stage_channel_must_be_a_defined_channel():
    def change(d):
        d["workflow"]["stages"][2]["channels"] = ["union"]

    assert paths_of(changed("songjiang-chief-technician", change)) == [
        "workflow.stages[2].channels"
    ]


def test_working_days_only_on_publicity_stages():
    def change(d):
        d["workflow"]["stages"][0]["working_days"] = 5

    assert paths_of(changed("songjiang-chief-technician", change)) == ["workflow.stages[0]"]


def test_schedule_must_name_an_existing_assessment():
    def change(d):
        d["assessments"][0]["code"] = "midterm"

    paths = paths_of(changed("songjiang-training-base", change))
    assert "benefits.schedules[0].assessment" in paths
    assert "benefits.schedules[1].requires[0].assessment" in paths


def test_bad_schedule_kind_and_float_money():
    def change(d):
        d["benefits"]["schedules"][0]["kind"] = "weekly"
        d["benefits"]["schedules"][1]["amounts_by_level"]["city"] = 80000.5

    problems = dict(problems_of(changed("songjiang-chief-technician", change)))
    assert "weekly" in problems["benefits.schedules[0].kind"]
    assert "浮点数" in problems["benefits.schedules[1].amounts_by_level.city"]


def test_within_years_needs_a_date_column():
    def change(d):
        d["form"]["sections"][5]["within_years"]["column"] = "project"

    assert paths_of(changed("songjiang-chief-technician", change)) == ["form.sections[5]"]


def test_choice_field_needs_choices_and_text_limits_only_on_text():
    def change(d):
        del d["form"]["sections"][0]["fields"][0]["choices"]
        d["form"]["sections"][2]["fields"][2]["max_length"] = 10

    assert paths_of(changed("songjiang-chief-technician", change)) == [
        "form.sections[0].fields[0]",
        "form.sections[2].fields[2]",
    ]


def test_field_fact_and_choices_must_match_the_fact_vocabulary():
    fields = raw("songjiang-chief-technician")["form"]["sections"][2]["fields"]
    skill = next(i for i, f in enumerate(fields) if f["code"] == "skill_level")

    def change(d):
        person = d["form"]["sections"][2]["fields"]
        person[0]["fact"] = "shoe_size"
        person[skill]["choices"].append({"code": "wizard", "label": "巫师"})

    problems = dict(problems_of(changed("songjiang-chief-technician", change)))
    assert "shoe_size" in problems["form.sections[2].fields[0].fact"]
    assert "wizard" in problems[f"form.sections[2].fields[{skill}].choices"]


def test_cover_line_must_name_a_form_field():
    def change(d):
        d["form"]["cover"]["lines"][0]["field"] = "cover.nickname"

    assert paths_of(changed("songjiang-chief-technician", change)) == ["form.cover.lines[0].field"]


def test_unsupported_schema_version():
    [(path, message)] = problems_of(
        changed("shizhong-chief-technician", lambda d: d.update(schema_version=2))
    )
    assert path == "schema_version" and "不支持" in message


def test_not_a_mapping():
    with pytest.raises(RuleSetError) as info:
        parse_ruleset(["not", "a", "mapping"], source="list.yaml")
    assert "YAML 映射" in str(info.value)


def test_several_problems_are_all_reported_one_line_each(tmp_path):
    def change(d):
        d["identity"]["colour"] = "red"
        d["workflow"]["stages"][1]["role"] = "janitor"

    path = tmp_path / "broken.yaml"
    path.write_text(
        yaml.safe_dump(changed("songjiang-chief-technician", change), allow_unicode=True),
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as info:
        load_ruleset(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert "identity.colour" in lines[0] and "workflow.stages[1].role" in lines[1]
    assert all("行）" in line for line in lines)  # the line in the file


# --- YAML ---------------------------------------------------------------------------------


def test_bad_yaml_becomes_a_rule_set_error_with_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\nidentity: [unclosed\nform: {}\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_ruleset(path)
    [(where, message)] = info.value.problems
    assert where.startswith("第") and "YAML" in message
    assert str(path) in str(info.value)


def test_a_key_given_twice_is_an_error(tmp_path):
    text = (RULESET_DIR / "shizhong-chief-technician.yaml").read_text(encoding="utf-8")
    text = text.replace("  name_en: Shizhong", "  name_en: Twice\n  name_en: Shizhong", 1)
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as info:
        load_ruleset(path)
    assert "name_en" in str(info.value) and "重复" in str(info.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(RuleSetError) as info:
        load_ruleset(tmp_path / "nowhere.yaml")
    assert "找不到" in str(info.value)


def test_validation_problems_carry_the_line_of_the_file(tmp_path):
    text = (RULESET_DIR / "shizhong-chief-technician.yaml").read_text(encoding="utf-8")
    text = text.replace("    kind: tracking\n", "    kind: trekking\n", 1)
    path = tmp_path / "shizhong.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    kind: trekking") + 1
    with pytest.raises(RuleSetError) as info:
        load_ruleset(path)
    [(where, message)] = info.value.problems
    assert where == "assessments[0].kind"
    assert f"第{line}行" in message


# --- the error and the digest ---------------------------------------------------------------


def test_rule_set_error_with_a_message_only_is_that_message():
    error = RuleSetError("a.yaml: x: y\nb.yaml: z: w", problems=[])
    assert str(error) == "a.yaml: x: y\nb.yaml: z: w"
    assert isinstance(error, ValueError)


def test_digest_ignores_layout_and_changes_with_meaning():
    data = raw("shizhong-chief-technician")
    reordered = dict(reversed(list(data.items())))
    assert ruleset_digest(reordered) == ruleset_digest(data)
    edited = copy.deepcopy(data)
    edited["benefits"]["schedules"][0]["amount"] = "300.00"
    assert ruleset_digest(edited) != ruleset_digest(data)
    assert len(ruleset_digest(data)) == 64


def test_digest_of_invalid_data_raises():
    with pytest.raises(RuleSetError):
        ruleset_digest({"schema_version": 1})
