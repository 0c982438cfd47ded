"""Loading the organisation fixtures (regions, departments, unions) idempotently."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from portal.models import Authority, Department, Region, Union

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@transaction.atomic
def load_organisations(fixtures_dir: Path = FIXTURES) -> dict[str, int]:
    """Create or update the regions, departments and unions of the fixtures; return counts."""
    counts = {"regions": 0, "departments": 0, "unions": 0}
    regions = yaml.safe_load((fixtures_dir / "regions.yaml").read_text(encoding="utf-8"))

    def upsert(entry: dict, parent: Region | None) -> None:
        if parent is None and entry.get("parent"):
            parent = Region.objects.get(code=entry["parent"])
        region, _ = Region.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "kind": entry["kind"], "parent": parent},
        )
        counts["regions"] += 1
        for child in entry.get("children", []):
            upsert(child, region)

    for entry in regions:
        upsert(entry, None)

    orgs = yaml.safe_load((fixtures_dir / "organisations.yaml").read_text(encoding="utf-8"))
    for entry in orgs["departments"]:
        Department.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "district": Region.objects.get(code=entry["district"]),
            },
        )
        counts["departments"] += 1
    for entry in orgs["unions"]:
        district = Region.objects.get(code=entry["district"]) if entry.get("district") else None
        Union.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "district": district,
                "held_own_selection": entry["held_own_selection"],
            },
        )
        counts["unions"] += 1
    counts["authorities"] = load_authorities(fixtures_dir)
    return counts


def load_authorities(fixtures_dir: Path = FIXTURES) -> int:
    """Create or update the authorities of fixtures/authorities.yaml; the number loaded."""
    entries = yaml.safe_load((fixtures_dir / "authorities.yaml").read_text(encoding="utf-8"))
    for entry in entries:
        Authority.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "region": Region.objects.filter(code=entry["region"]).first(),
                "issuers": entry["issuers"],
            },
        )
    return len(entries)
