"""Review fixtures: the five programmes loaded, a round each, and submitted applications.

The declaration forms are built in parallel, so a submitted application is made here directly:
an Application in review with its frozen ApplicationVersion, put on its path by start_review.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

_counter = itertools.count(1)
_LOADED: list[dict] = []  # the versions as load_programmes made them, kept for the session


@pytest.fixture
def programmes(db):
    """{code: ProgrammeVersion} of the five rule sets (parsed once per session, then copied)."""
    from programmes.loader import load_files, ruleset_files
    from programmes.models import Programme, ProgrammeVersion

    if not _LOADED:
        load_files(ruleset_files())
        _LOADED.extend(
            {
                "code": v.programme.code,
                "name": v.programme.name,
                "number": v.number,
                "digest": v.digest,
                "data": v.data,
                "source_file": v.source_file,
            }
            for v in ProgrammeVersion.objects.select_related("programme")
        )
    elif not ProgrammeVersion.objects.exists():
        from programmes.loader import issuing_authority

        for row in _LOADED:
            authority = issuing_authority(row["data"]["identity"]["issuing_authorities"])
            programme, _ = Programme.objects.get_or_create(
                code=row["code"], defaults={"name": row["name"], "authority": authority}
            )
            # The organising authority, as load_programmes sets it (issue 12).
            programme.authority = issuing_authority(row["data"]["identity"]["issuing_authorities"])
            programme.save(update_fields=["authority"])
            ProgrammeVersion.objects.create(
                programme=programme,
                number=row["number"],
                digest=row["digest"],
                data=row["data"],
                source_file=row["source_file"],
            )
    return {
        v.programme.code: v
        for v in ProgrammeVersion.objects.select_related("programme").order_by("number")
    }


@pytest.fixture
def make_round(programmes):
    from programmes.models import Round

    def make(code: str = "songjiang-chief-technician", **extra) -> Round:
        version = programmes[code]
        quota = (version.data.get("scoring") or {}).get("quota") or {}
        defaults = {
            "version": version,
            "name": f"2026年度{version.programme.name}",
            "year": 2026,
            "opens_on": date(2026, 3, 1),
            "closes_on": date(2026, 4, 30),
            "quota": quota.get("count"),
            "status": Round.Status.REVIEW,
        }
        defaults.update(extra)
        return Round.objects.create(**defaults)

    return make


@pytest.fixture
def make_applicant(db):
    from portal.models import Role, User
    from portal.roles import grant

    def make(real_name: str | None = None) -> User:
        n = next(_counter)
        user = User.objects.create(
            username=f"applicant{n}",
            real_name=real_name or f"申报人{n}",
            email=f"applicant{n}@example.cn",
            phone=f"139{n:08d}",
        )
        grant(user, Role.APPLICANT)
        return user

    return make


@pytest.fixture
def units(demo_people):
    return demo_people


@pytest.fixture
def make_application(make_applicant, units):
    """A submitted application on its first review stage (or `stage` when given)."""
    from django.utils import timezone

    from applications.models import Application, ApplicationVersion
    from reviews.services import start_review

    def make(
        round_,
        *,
        unit: str | None = "songjiang_machinery",
        channel: str = "unit",
        applicant=None,
        data: dict | None = None,
        stage: str | None = None,
        union=None,
        real_name: str | None = None,
    ) -> Application:
        applicant = applicant or make_applicant(real_name)
        unit_obj = units[unit] if unit else None
        application = Application.objects.create(
            round=round_,
            applicant=applicant,
            unit=unit_obj,
            channel=channel,
            status=Application.Status.IN_REVIEW,
            data=data or {"person": {"name": applicant.real_name}},
            street=unit_obj.street if unit_obj else None,
            department=unit_obj.department if unit_obj else None,
            union=union or (unit_obj.union if unit_obj else None),
            submitted_at=timezone.now(),
        )
        ApplicationVersion.objects.create(
            application=application,
            number=1,
            data=application.data,
            ruleset_version=round_.version,
            submitted_at=application.submitted_at,
            submitted_by=applicant,
        )
        start_review(application=application, by=applicant)
        if stage:
            application.stage = stage
            application.save(update_fields=["stage"])
        return application

    return make


@pytest.fixture
def experts(persona, units):
    """expert_a, expert_b and three more experts in the pool; expert_b works at the machinery
    company (a conflict for its applicants)."""
    from portal.models import Role, User
    from portal.roles import grant
    from reviews.models import ExpertProfile

    people = [persona("expert_a"), persona("expert_b")]
    for n in range(3):
        user, _ = User.objects.get_or_create(
            username=f"expert_pool{n}",
            defaults={"real_name": f"专家{n}", "email": f"expert_pool{n}@example.cn"},
        )
        grant(user, Role.EXPERT)
        people.append(user)
    for user in people:
        ExpertProfile.objects.get_or_create(
            user=user,
            defaults={
                "fields_of_expertise": "机械制造",
                "unit": units["songjiang_machinery"] if user.username == "expert_b" else None,
            },
        )
    return people


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files under a temporary root; the storage is set up again afterwards, so no
    later test writes under this test's directory."""
    from django.utils.functional import empty

    from applications import models as app_models

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    app_models.private_storage._wrapped = empty
    yield tmp_path
    app_models.private_storage._wrapped = empty
