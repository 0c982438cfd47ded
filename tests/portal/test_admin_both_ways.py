"""Issue 12: the ModelAdmins the demo has no objects of, each tested both ways.

Panel, Publicity, CreditCheck, Objection, TieDecision, Naming and PaymentRun (and PdfBatch,
which test_authority_scope.py does not open either): one object of each
is made for every authority (through the review fixtures and plain factories), then each office
opens the admin: its own row is listed and opens, another authority's is not listed and its
change, delete and history pages answer 404 (never 403, which would confirm it exists), and
neither the list filters nor the foreign-key and many-to-many choices offer another authority's
object. The demo's own models are tested the same way in test_authority_scope.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.reviews.conftest import (  # noqa: F401  (fixtures)
    make_applicant,
    make_application,
    make_round,
    programmes,
    units,
)

SONGJIANG, QINGPU, UNION, SHIZHONG = (
    "songjiang-hrss",
    "qingpu-hrss",
    "shanghai-ftu",
    "shizhong-hrss",
)

# authority -> (programme, its office, the application's unit, channel, union)
AUTHORITIES = {
    SONGJIANG: ("songjiang-chief-technician", "chen_office", "songjiang_machinery", "unit", None),
    QINGPU: (
        "qingpu-chief-technician-subsidy",
        "qingpu_office",
        "qingpu_manufacturing",
        "unit",
        None,
    ),
    UNION: (
        "shanghai-craftsman",
        "union_city",
        "songjiang_school",
        "social_org",
        "shanghai-mechanical-union",
    ),
    SHIZHONG: ("shizhong-chief-technician", "shizhong_office", "shizhong_works", "unit", None),
}

MODELS = [
    ("reviews", "panel"),
    ("reviews", "publicity"),
    ("reviews", "creditcheck"),
    ("reviews", "objection"),
    ("reviews", "tiedecision"),
    ("reviews", "naming"),
    ("subsidies", "paymentrun"),
    ("applications", "pdfbatch"),
]

# (office of A, A, B): every authority against another, each way round.
PAIRS = [
    ("chen_office", SONGJIANG, QINGPU),
    ("qingpu_office", QINGPU, SONGJIANG),
    ("union_city", UNION, SHIZHONG),
    ("shizhong_office", SHIZHONG, UNION),
]


@pytest.fixture
def objects(make_round, make_application, persona):  # noqa: F811  (fixtures)
    """{authority: {model_name: object}}: one object of each of the seven per authority."""
    from applications.models import PdfBatch
    from portal.models import Authority, Union
    from reviews.models import CreditCheck, Naming, Objection, Panel, Publicity, TieDecision
    from subsidies.services import start_run

    made = {}
    for code, (programme, office_name, unit, channel, union) in AUTHORITIES.items():
        office = persona(office_name)
        round_ = make_round(programme, name=f"{code} 的批次")
        app = make_application(
            round_,
            unit=unit,
            channel=channel,
            union=Union.objects.get(code=union) if union else None,
            real_name=f"{code}的申报人",
        )
        panel = Panel.objects.create(round=round_, stage="expert_review", created_by=office)
        publicity = Publicity.objects.create(
            round=round_,
            stage="publicity",
            starts_on=date(2026, 6, 1),
            ends_on=date(2026, 6, 8),
            started_by=office,
        )
        publicity.applications.add(app)
        tie = TieDecision.objects.create(
            round=round_, stage="expert_review", reason="同等条件下优先一线岗位", decided_by=office
        )
        tie.tied.add(app)
        tie.chosen.add(app)
        naming = Naming.objects.create(
            round=round_,
            document_number=f"{code}〔2026〕1号",
            named_on=date(2026, 7, 1),
            named_by=office,
        )
        naming.applications.add(app)
        made[code] = {
            "application": app,
            "round": round_,
            "panel": panel,
            "publicity": publicity,
            "creditcheck": CreditCheck.objects.create(
                application=app, result="pass", reference=f"XY-{code}", checked_by=office
            ),
            "objection": Objection.objects.create(
                publicity=publicity,
                application=app,
                name="群众甲",
                contact="13900000000",
                text=f"{code}：获奖情况与事实不符",
            ),
            "tiedecision": tie,
            "naming": naming,
            "paymentrun": start_run(
                kind="monthly",
                period="2026-11",
                authority=Authority.objects.get(code=code),
                enqueue=False,
            ),
            "pdfbatch": PdfBatch.objects.create(round=round_, requested_by=office, total=1),
        }
    return made


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
@pytest.mark.parametrize(("office", "mine", "theirs"), PAIRS)
def test_each_model_admin_both_ways(
    app_label, model_name, office, mine, theirs, objects, login_as, client, rf
):
    from django.contrib import admin

    user = login_as(office)
    own, other = objects[mine][model_name], objects[theirs][model_name]
    base = f"/admin/{app_label}/{model_name}/"

    listing = client.get(base)
    assert listing.status_code == 200
    ids = {o.pk for o in listing.context["cl"].result_list}
    assert own.pk in ids and other.pk not in ids
    assert client.get(f"{base}{own.pk}/change/").status_code == 200
    assert client.get(f"{base}{own.pk}/history/").status_code == 200
    for page in ("change", "delete", "history"):
        response = client.get(f"{base}{other.pk}/{page}/")
        assert response.status_code == 404, (page, response.status_code)
    assert client.post(f"{base}{other.pk}/delete/", {"post": "yes"}).status_code == 404
    assert type(other)._default_manager.filter(pk=other.pk).exists()

    # The list filters offer only values of the office's own rows.
    other_round, other_app = objects[theirs]["round"], objects[theirs]["application"]
    for spec in listing.context["cl"].filter_specs:
        for choice in getattr(spec, "lookup_choices", []):
            value = choice[0] if isinstance(choice, tuple | list) else choice
            if getattr(spec, "field", None) is not None and spec.field.is_relation:
                related = spec.field.related_model
                assert (related, value) not in {
                    (type(other_round), other_round.pk),
                    (type(other_app), other_app.pk),
                }, (spec.title, value)
    page_text = listing.content.decode()
    assert f"{theirs} 的批次" not in page_text and f"{theirs}的申报人" not in page_text

    # The foreign-key and many-to-many choices hold no object of the other authority.
    model_admin = admin.site._registry[type(own)]
    request = rf.get(base)
    request.user = user
    for field in type(own)._meta.get_fields():
        if not (field.is_relation and field.concrete and field.related_model is not None):
            continue
        if field.many_to_many:
            formfield = model_admin.formfield_for_manytomany(field, request)
        elif field.many_to_one or field.one_to_one:
            formfield = model_admin.formfield_for_foreignkey(field, request)
        else:
            continue
        if formfield is None:
            continue
        offered = set(formfield.queryset.values_list("pk", flat=True))
        for value in (other_round, other_app):
            if field.related_model is type(value):
                assert value.pk not in offered, (field.name, value)
        for value in (getattr(own, "round", None), getattr(own, "application", None)):
            if value is not None and field.related_model is type(value):
                assert value.pk in offered, (field.name, value)
