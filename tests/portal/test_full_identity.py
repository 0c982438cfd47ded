"""Who sees a full ID number: one decision, `portal.scope.may_see_full_identity` (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.scope import may_see_full_identity

ROOT = Path(__file__).resolve().parents[2]


def test_an_anonymous_visitor_never_sees_a_full_number(db):
    assert not may_see_full_identity(AnonymousUser(), None)


def test_the_roles_see_full_numbers_others_see_their_own_application_only(persona):
    office, street, applicant = persona("chen_office"), persona("zhao_street"), persona("li_ming")
    own = SimpleNamespace(applicant_id=applicant.pk)
    other = SimpleNamespace(applicant_id=office.pk)
    assert may_see_full_identity(office, None)
    assert may_see_full_identity(persona("sun_finance"), None)
    assert may_see_full_identity(office, own)
    assert not may_see_full_identity(street, None)
    assert not may_see_full_identity(street, own)
    assert may_see_full_identity(applicant, own)
    assert not may_see_full_identity(applicant, other)
    assert not may_see_full_identity(applicant, None)


def test_subsidies_registers_who_sees_an_awards_and_a_payrolls_number():
    from portal import scope

    assert {"subsidies.award", "subsidies.paymentbatch"} <= set(scope._FULL_IDENTITY_RULES)


@pytest.mark.unit
def test_no_module_decides_by_the_roles_alone():
    """`portal.roles.sees_full_identity` is the roles' part of the decision: only portal.scope calls it."""
    callers = []
    for package in ("portal", "programmes", "applications", "reviews", "subsidies", "dashboards"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "roles.py" and path.parent.name == "portal":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id == "sees_full_identity":
                    callers.append(str(path.relative_to(ROOT)))
    assert sorted(set(callers)) == ["portal/scope.py"]
