"""Loading rule sets into versions, validating, the coverage listing, the demo rounds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.loader import RULESET_DIR, ruleset_files
from programmes.models import Programme, ProgrammeVersion, Round

pytestmark = pytest.mark.django_db

CODES = {
    "songjiang-chief-technician",
    "qingpu-chief-technician-subsidy",
    "songjiang-training-base",
    "shanghai-craftsman",
    "shizhong-chief-technician",
    # 青人社〔2020〕54号 六(二)、六(三): additional funding is an application of its own (issue 14)
    "qingpu-chief-technician-additional-funding",
}


def test_the_rule_sets_are_there():
    assert {path.stem for path in ruleset_files()} == CODES


def test_loading_is_idempotent(capsys):
    call_command("load_programmes")
    assert ProgrammeVersion.objects.count() == len(CODES)
    call_command("load_programmes")
    assert ProgrammeVersion.objects.count() == len(CODES)
    assert "未变化" in capsys.readouterr().out


def test_a_changed_file_becomes_a_new_version_and_the_old_one_stays(tmp_path):
    call_command("load_programmes")
    source = RULESET_DIR / "shizhong-chief-technician.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["identity"]["name_zh"] = data["identity"]["name_zh"] + "（修订）"
    changed = tmp_path / "shizhong-chief-technician.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    call_command("load_programmes", str(changed))
    versions = ProgrammeVersion.objects.filter(programme__code="shizhong-chief-technician")
    assert sorted(versions.values_list("number", flat=True)) == [1, 2]
    first = versions.get(number=1)
    assert "（修订）" not in first.data["identity"]["name_zh"]


def test_versions_are_immutable():
    call_command("load_programmes")
    version = ProgrammeVersion.objects.first()
    version.data = {}
    with pytest.raises(Exception, match="不可修改"):
        version.save()


def broken_copy(tmp_path: Path, mutate) -> Path:
    source = RULESET_DIR / "songjiang-chief-technician.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    mutate(data)
    target = tmp_path / "songjiang-chief-technician.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_an_invalid_file_loads_nothing_and_names_file_and_path(tmp_path):
    def mutate(data):
        data["workflow"]["stages"][0]["kind"] = "coffee_break"

    bad = broken_copy(tmp_path, mutate)
    good = tmp_path / "shizhong-chief-technician.yaml"
    shutil.copy(RULESET_DIR / "shizhong-chief-technician.yaml", good)
    with pytest.raises(CommandError) as info:
        call_command("load_programmes", str(good), str(bad))
    message = str(info.value)
    assert str(bad) in message
    assert "workflow" in message and "kind" in message
    assert info.value.returncode == 2
    assert not Programme.objects.exists()


def test_bad_yaml_is_a_clear_error(tmp_path):
    bad = tmp_path / "songjiang-chief-technician.yaml"
    bad.write_text("identity: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("validate_programmes", str(bad))
    assert info.value.returncode == 2
    assert str(bad) in str(info.value)


def test_validate_programmes_passes_the_fixtures(capsys):
    call_command("validate_programmes")
    assert capsys.readouterr().out.count("通过") == len(CODES)
    assert not Programme.objects.exists()


def test_programme_coverage_lists_rules_with_clauses(capsys):
    call_command("programme_coverage", "songjiang-chief-technician")
    out = capsys.readouterr().out
    assert "沪松人社规〔2024〕1号" in out
    assert "years_to_retirement" in out
    assert "二(二)4" in out


def test_demo_opens_one_round_per_programme(demo_people):
    """One round per programme: open for the texts in force today (Songjiang's two), a past
    round under review for the others (Qingpu and Shizhong expired, the craftsman's 2024)."""
    call_command("load_demo")
    assert Round.objects.filter(status=Round.Status.OPEN).count() == 2
    assert Round.objects.filter(status=Round.Status.REVIEW).count() == len(CODES) - 2
    # each round was opened through Round.clean: none breaks its text's rules
    for round_ in Round.objects.all():
        round_.full_clean()
    call_command("load_demo")  # again: nothing twice, nothing fails
    assert Round.objects.count() == len(CODES)
    assert ProgrammeVersion.objects.count() == len(CODES)
