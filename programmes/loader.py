"""Loading rule-set files into immutable programme versions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.models import Authority
from portal.organisations import load_authorities
from programmes.models import Programme, ProgrammeVersion
from programmes.ruleset import RuleSet, RuleSetError, load_ruleset, ruleset_digest

RULESET_DIR = Path(settings.BASE_DIR) / "fixtures" / "programmes"


@dataclass(frozen=True)
class LoadResult:
    code: str
    number: int
    created: bool


def ruleset_files(directory: Path = RULESET_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def validate_files(paths: list[Path]) -> dict[Path, RuleSet]:
    """Parse every file; raise one RuleSetError that lists the problems of all of them."""
    parsed, problems = {}, []
    for path in paths:
        try:
            ruleset = load_ruleset(path)
        except RuleSetError as exc:
            problems.append(str(exc))
            continue
        if ruleset.identity.code != path.stem:
            problems.append(
                f"{path}: identity.code: 项目代码“{ruleset.identity.code}”应与文件名“{path.stem}”一致"
            )
            continue
        parsed[path] = ruleset
    if problems:
        raise RuleSetError("\n".join(problems), problems=[])
    return parsed


def issuing_authority(names: list[str]):
    """The portal's authority among a rule set's issuing authorities (the first one named that
    the portal knows), loading the authorities' fixture when none is loaded yet."""
    if not Authority.objects.exists():
        load_authorities()
    known = {}
    for authority in Authority.objects.all():
        for name in [authority.name, *authority.issuers]:
            known.setdefault(name, authority)
    for name in names:
        if name in known:
            return known[name]
    return None


@transaction.atomic
def load_files(paths: list[Path]) -> list[LoadResult]:
    """Load every file as a new version when its content changed; all or nothing."""
    parsed = validate_files(paths)
    results = []
    for path, ruleset in parsed.items():
        data = ruleset.model_dump(mode="json")
        digest = ruleset_digest(data)
        programme, _ = Programme.objects.get_or_create(
            code=ruleset.identity.code, defaults={"name": ruleset.identity.name_zh}
        )
        authority = issuing_authority(ruleset.identity.issuing_authorities)
        if programme.name != ruleset.identity.name_zh or programme.authority != authority:
            programme.name = ruleset.identity.name_zh
            programme.authority = authority
            programme.save(update_fields=["name", "authority"])
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        existing = programme.versions.filter(digest=digest).first()
        if existing:
            results.append(LoadResult(programme.code, existing.number, False))
            continue
        last = programme.versions.order_by("-number").first()
        number = (last.number + 1) if last else 1
        ProgrammeVersion.objects.create(
            programme=programme,
            number=number,
            digest=digest,
            data=data,
            source_file=str(path.relative_to(settings.BASE_DIR))
            if path.is_relative_to(settings.BASE_DIR)
            else str(path),
        )
        results.append(LoadResult(programme.code, number, True))
    return results
