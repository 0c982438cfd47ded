"""Four authorities side by side (issue 12): nobody sees or changes what is not theirs.

The demo (`load_demo`) is loaded once for the module: every staff account of every authority
crawls every page it reaches by GET from its workbench and from /admin/ (lists, object pages,
exports, JSON endpoints), and no page may show an object of another authority. Then each
ModelAdmin is opened both ways, the escalation attempts of the issue are replayed, and each
finance account tries the other authority's batch.
"""

from __future__ import annotations

import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.slow

SONGJIANG, QINGPU, UNION, SHIZHONG = (
    "songjiang-hrss",
    "qingpu-hrss",
    "shanghai-ftu",
    "shizhong-hrss",
)

# The staff of each authority in the demo (every one of them is crawled).
STAFF = {
    SONGJIANG: [
        "chen_office",
        "sun_finance",
        "zhao_street",
        "qian_dept",
        "wang_hr",
        "expert_a",
        "expert_b",
    ],
    QINGPU: ["qingpu_office", "qingpu_finance", "qingpu_street", "qingpu_expert"],
    SHIZHONG: ["shizhong_office", "shizhong_finance", "shizhong_street", "shizhong_expert"],
    UNION: ["union_city", "union_district", "union_finance", "union_expert", "zhou_union"],
}
AUTHORITY_OF = {name: code for code, names in STAFF.items() for name in names}

# Text that only an object of that authority puts on a page: its rounds, its award numbers, the
# people of its applications and its staff.
MARKERS = {
    SONGJIANG: ["2026年度松江区首席技师申报", "沪松人社〔2024〕88号", "刘洋", "陈静", "孙丽"],
    QINGPU: ["2025年度青浦区首席技师资助项目申报", "青人社〔2023〕36号", "何建平", "姚红", "沈浩"],
    SHIZHONG: ["2025年度市中首席技师申报", "市中政办字〔2022〕5号", "孔凡新", "孔祥云", "褚玉梅"],
    UNION: ["2024年度上海工匠申报", "沪工总〔2024〕120号", "马俊", "杨帆", "许静"],
}
# Pages for everyone (the public home page, the open rounds' apply pages, the publicity): they
# show what every authority publishes, by design.
PUBLIC = re.compile(r"^/$|^/rounds/(\d+/apply/)?$|^/reviews/publicity/")
# The user's own in-app messages: notices addressed to them (a unit's HR is told of its
# employee's naming by the city union, say); that nobody reads another's messages is tested in
# tests/reviews/test_notices.py.
OWN_MAIL = re.compile(r"^/messages/")
SKIP = re.compile(r"/accounts/logout|/logout|/static/|/media/|/password|/i18n/|/jsi18n")
MAX_PAGES = 400


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once; rolled back when the module's tests are done."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def as_user(demo, db, client, django_user_model):
    def login(username):
        user = django_user_model.objects.get(username=username)
        client.force_login(user, backend="portal.auth_backends.PhoneOrEmailBackend")
        return client

    return login


def owner(obj) -> str | None:
    """The authority code of a demo object, computed here independently of portal.scope."""
    from applications.models import Application
    from portal.models import Department, Region, RoleAssignment, Unit, User
    from programmes.models import Programme, ProgrammeVersion, Round
    from subsidies.models import Assessment, Award, Payment, PaymentBatch, PaymentRun

    def of_programme(programme):
        return programme.authority.code if programme.authority_id else None

    if isinstance(obj, Programme):
        return of_programme(obj)
    if isinstance(obj, ProgrammeVersion):
        return of_programme(obj.programme)
    if isinstance(obj, Round):
        return of_programme(obj.version.programme)
    if isinstance(obj, Application):
        return of_programme(obj.round.version.programme)
    if isinstance(obj, Award):
        return of_programme(obj.ruleset_version.programme)
    if isinstance(obj, Payment | Assessment):
        return of_programme(obj.award.ruleset_version.programme)
    if isinstance(obj, PaymentBatch | PaymentRun):
        return obj.authority.code if obj.authority_id else None
    if isinstance(obj, RoleAssignment):
        return obj.authority.code if obj.authority_id else None
    if isinstance(obj, Unit):
        return district_authority(obj.tax_district)
    if isinstance(obj, Department):
        return district_authority(obj.district)
    if isinstance(obj, Region):
        return district_authority(obj if obj.kind in ("district", "city") else obj.parent)
    if isinstance(obj, User):
        return None  # judged by the markers (names) instead
    return None


def shared_with_union(obj, mine) -> bool:
    """The city union's craftsman round is city-wide: Shanghai's regions and units are its too."""
    from portal.models import Region, Unit

    if mine != UNION:
        return False
    if isinstance(obj, Unit):
        return owner(obj) in (SONGJIANG, QINGPU)
    if isinstance(obj, Region):
        return owner(obj) in (SONGJIANG, QINGPU)
    return False


def district_authority(region) -> str | None:
    codes = {"songjiang": SONGJIANG, "qingpu": QINGPU, "shizhong": SHIZHONG}
    return codes.get(region.code) if region is not None else None


def admin_object(path):
    """The object of an admin change page (/admin/<app>/<model>/<pk>/change/), or None."""
    from django.apps import apps

    match = re.match(r"^/admin/(\w+)/(\w+)/(\d+)/(change|history|delete)/$", path)
    if not match:
        return None
    model = apps.get_model(match[1], match[2])
    return model._default_manager.filter(pk=match[3]).first()


def links(html: str, base: str) -> list[str]:
    return [urljoin(base, h) for h in re.findall(r'href="([^"#][^"]*)"', html)]


def crawl(client, starts, max_pages=None):
    """Every page reached by GET from `starts` (same site, no sorting or filter variants
    beyond one query string per path): {path: (status, text)}."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(starts)
    queried: set[str] = set()
    while queue and len(seen) < (max_pages or MAX_PAGES):
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or SKIP.search(parts.path):
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if target in seen:
            continue
        if parts.query:
            # One query-string variant per path (a filter, a page, an export format).
            key = (
                parts.path + "?" + "&".join(sorted(k.split("=")[0] for k in parts.query.split("&")))
            )
            if key in queried:
                continue
            queried.add(key)
        try:
            resolve(parts.path)
        except Resolver404:
            continue
        response = client.get(target)
        content_type = response.get("Content-Type", "")
        if "html" in content_type or "json" in content_type:
            text = response.content.decode("utf-8", "replace")
        elif "spreadsheet" in content_type:
            text = xlsx_text(response.content)
        else:
            text = ""
        seen[target] = (response.status_code, text)
        if response.status_code == 200 and "html" in content_type:
            queue.extend(links(text, target))
    return seen


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join(str(c) for c in row if c is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


ALL_STAFF = [name for names in STAFF.values() for name in names]


@pytest.mark.parametrize("username", ALL_STAFF)
def test_crawl_finds_no_object_of_another_authority(username, as_user):
    client = as_user(username)
    mine = AUTHORITY_OF[username]
    starts = ["/workbench/", "/admin/", "/subsidies/", "/reviews/", "/statistics/"]
    pages = crawl(client, starts)
    assert pages["/workbench/"][0] == 200
    problems = []
    for path, (status, text) in pages.items():
        if status >= 500:
            problems.append(f"{path}: HTTP {status}")
        if status != 200:
            continue
        if PUBLIC.search(urlsplit(path).path) or OWN_MAIL.search(urlsplit(path).path):
            continue
        obj = admin_object(urlsplit(path).path)
        if obj is not None and owner(obj) not in (None, mine) and not shared_with_union(obj, mine):
            problems.append(f"{path}: opens {obj!r} of {owner(obj)}")
        for authority, markers in MARKERS.items():
            if authority == mine:
                continue
            for marker in markers:
                if marker in text:
                    problems.append(f"{path}: shows {marker} ({authority})")
    assert not problems, "\n".join(problems[:40])
    assert len(pages) > 3


def test_the_crawl_would_see_a_leak(as_user):
    """The crawl and its markers can fail: the system admin's pages show every authority."""
    pages = crawl(
        as_user("admin"), ["/admin/subsidies/award/", "/admin/programmes/round/"], max_pages=2
    )
    assert len(pages) == 2
    text = "\n".join(t for _s, t in pages.values())
    for markers in MARKERS.values():
        assert markers[0] in text or markers[1] in text


def test_every_authority_has_its_staff_and_work_waiting(demo, db):
    from applications.models import Application
    from portal.models import Authority, RoleAssignment
    from subsidies.models import Assessment, PaymentBatch

    assert set(Authority.objects.values_list("code", flat=True)) == set(STAFF)
    for code, names in STAFF.items():
        for name in names:
            assert RoleAssignment.objects.filter(
                user__username=name, authority__code=code
            ).exists(), name
        waiting = Application.objects.filter(
            round__version__programme__authority__code=code, status="in_review"
        )
        assert waiting.exists(), code
    for code in (SONGJIANG, QINGPU, SHIZHONG):
        assert PaymentBatch.objects.filter(authority__code=code, status="draft").exists(), code
        assert (
            Assessment.objects.filter(
                award__ruleset_version__programme__authority__code=code, result="", active=True
            ).exists()
            or code == SHIZHONG
        ), code


def test_demo_rounds_respect_the_texts_in_force(demo, db):
    """Only texts in force on the demo day get an open round; the others a past round."""
    from django.utils import timezone

    from programmes.models import Round
    from programmes.ruleset import in_force_on

    today = timezone.localdate()
    for round_ in Round.objects.select_related("version__programme"):
        ruleset = round_.version.ruleset
        assert in_force_on(ruleset, round_.opens_on), round_.name
        assert in_force_on(ruleset, round_.closes_on), round_.name
        if round_.status == Round.Status.OPEN:
            assert in_force_on(ruleset, today)
    open_codes = set(
        Round.objects.filter(status="open").values_list("version__programme__code", flat=True)
    )
    assert open_codes == {"songjiang-chief-technician", "songjiang-training-base"}
    craftsman = Round.objects.get(version__programme__code="shanghai-craftsman")
    assert craftsman.year == 2024 and craftsman.status == Round.Status.REVIEW


# --- each ModelAdmin both ways ----------------------------------------------------------------


def _first(model, authority, **filters):
    from django.db.models import Q

    from portal import scope

    via = {
        "Programme": "authority__code",
        "ProgrammeVersion": "programme__authority__code",
        "Round": "version__programme__authority__code",
        "Application": "round__version__programme__authority__code",
        "Award": "ruleset_version__programme__authority__code",
        "Payment": "award__ruleset_version__programme__authority__code",
        "Assessment": "award__ruleset_version__programme__authority__code",
        "PaymentBatch": "authority__code",
        "RoleAssignment": "authority__code",
        "ExpertProfile": "authority__code",
        "Unit": "tax_district__authorities__code",
        "Department": "district__authorities__code",
        "Region": "parent__authorities__code",
    }[model.__name__]
    del scope, Q
    return model._default_manager.filter(**{via: authority}, **filters).order_by("pk").first()


ADMIN_MODELS = [
    ("programmes", "Programme", {}),
    ("programmes", "ProgrammeVersion", {}),
    ("programmes", "Round", {}),
    ("applications", "Application", {"status": "in_review"}),
    ("subsidies", "Award", {}),
    ("subsidies", "Payment", {}),
    ("subsidies", "Assessment", {}),
    ("portal", "Region", {"kind__in": ["street", "town"]}),
    ("subsidies", "PaymentBatch", {}),
    ("portal", "RoleAssignment", {"role": "street_reviewer"}),
    ("reviews", "ExpertProfile", {}),
    ("portal", "Unit", {}),
    ("portal", "Department", {}),
]


@pytest.mark.parametrize(("app", "model_name", "filters"), ADMIN_MODELS)
@pytest.mark.parametrize(
    ("office", "mine", "theirs"),
    [("chen_office", SONGJIANG, QINGPU), ("qingpu_office", QINGPU, SONGJIANG)],
)
def test_each_model_admin_opens_its_own_and_404s_another_authoritys(
    app, model_name, filters, office, mine, theirs, as_user
):
    from django.apps import apps

    model = apps.get_model(app, model_name)
    own, other = _first(model, mine, **filters), _first(model, theirs, **filters)
    assert own is not None and other is not None, f"the demo has no {model_name} of both"
    client = as_user(office)
    base = f"/admin/{app}/{model._meta.model_name}/"
    assert client.get(f"{base}{own.pk}/change/").status_code == 200
    assert client.get(f"{base}{other.pk}/change/").status_code == 404
    assert client.get(f"{base}{other.pk}/history/").status_code == 404
    listing = client.get(base)
    assert listing.status_code == 200
    ids = {o.pk for o in listing.context["cl"].result_list}
    assert own.pk in ids and other.pk not in ids


@pytest.mark.parametrize(
    "office", ["chen_office", "qingpu_office", "shizhong_office", "union_city"]
)
def test_admin_exports_hold_only_the_offices_rows(office, as_user):
    """The xlsx export of users (staff accounts) and awards: no row of another authority."""
    client = as_user(office)
    mine = AUTHORITY_OF.get(office) or {"chen_office": SONGJIANG, "qingpu_office": QINGPU}.get(
        office, SHIZHONG
    )
    for path in ("/admin/portal/user/export/", "/admin/subsidies/award/export/"):
        form = client.get(path).context["form"]
        data = {"format": "0", "resource": "0"}
        for name in form.fields:
            if name not in ("format", "resource", "export_items"):
                data[name] = "on"  # every column
        response = client.post(path, data)
        assert response.status_code == 200, path
        assert "spreadsheet" in response["Content-Type"], path
        text = xlsx_text(response.content)
        assert text.strip(), path
        for authority, markers in MARKERS.items():
            if authority != mine:
                for marker in markers:
                    assert marker not in text, f"{path} holds {marker} of {authority}"


# --- escalation --------------------------------------------------------------------------------


def _role_form(**values):
    data = {
        "user": "",
        "role": "",
        "region": "",
        "unit": "",
        "department": "",
        "union": "",
        "authority": "",
        "_save": "保存",
    }
    data.update({k: str(v) for k, v in values.items()})
    return data


def test_an_office_cannot_grant_a_role_outside_its_authority_or_to_itself(as_user):
    from portal.models import Region, RoleAssignment, Union, User

    client = as_user("chen_office")
    chen = User.objects.get(username="chen_office")
    wang = User.objects.get(username="wang_hr")
    before = RoleAssignment.objects.count()
    attempts = [
        # a district-office role for another district, for itself (the first attempt)
        _role_form(
            user=chen.pk, role="district_office", region=Region.objects.get(code="qingpu").pk
        ),
        # an office or finance role for someone else, even in its own district
        _role_form(
            user=wang.pk, role="district_office", region=Region.objects.get(code="songjiang").pk
        ),
        _role_form(user=wang.pk, role="finance", region=Region.objects.get(code="songjiang").pk),
        # a reviewer role of another authority's street
        _role_form(
            user=wang.pk,
            role="street_reviewer",
            region=Region.objects.get(code="qingpu-xianghuaqiao").pk,
        ),
        # a union role (the city union's)
        _role_form(
            user=wang.pk, role="union_reviewer", union=Union.objects.get(code="shanghai-ftu").pk
        ),
        # a reviewer role of its own authority, to itself
        _role_form(
            user=chen.pk,
            role="street_reviewer",
            region=Region.objects.get(code="songjiang-chedun").pk,
        ),
    ]
    for data in attempts:
        response = client.post("/admin/portal/roleassignment/add/", data)
        assert response.status_code == 200, data  # the form again, with the reason
        assert response.context["adminform"].form.errors, data
        assert RoleAssignment.objects.count() == before, data
    chen.refresh_from_db()
    assert not chen.roles.filter(region__code="qingpu").exists()


def test_an_office_grants_a_reviewer_role_inside_its_authority(as_user):
    from portal.models import Region, RoleAssignment, User

    client = as_user("chen_office")
    wang = User.objects.get(username="wang_hr")
    street = Region.objects.get(code="songjiang-yueyang")
    response = client.post(
        "/admin/portal/roleassignment/add/",
        _role_form(user=wang.pk, role="street_reviewer", region=street.pk),
    )
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    made = RoleAssignment.objects.get(user=wang, role="street_reviewer", region=street)
    assert made.authority.code == SONGJIANG


def _user_change(client, user):
    response = client.get(f"/admin/portal/user/{user.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password":
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(getattr(value, "pk", value))
    for prefix_key in response.context["inline_admin_formsets"]:
        formset = prefix_key.formset
        data.update(dict(formset.management_form.initial.items()))
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for i, f in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{i}-id"] = f.instance.pk
            data[f"{formset.prefix}-{i}-user"] = user.pk
            for name in ("role", "region", "unit", "department", "union", "authority"):
                value = (
                    getattr(f.instance, f"{name}_id", None) if name != "role" else f.instance.role
                )
                data[f"{formset.prefix}-{i}-{name}"] = value or ""
    return data


def test_an_office_cannot_tick_superuser_staff_or_groups(as_user):
    from django.contrib.auth.models import Group

    from portal.models import User

    client = as_user("chen_office")
    target = User.objects.get(username="zhao_street")
    data = _user_change(client, target)
    assert (
        "is_superuser"
        not in client.get(f"/admin/portal/user/{target.pk}/change/")
        .context["adminform"]
        .form.fields
    )
    group = Group.objects.first()
    data.update({"is_superuser": "on", "is_staff": "on", "groups": [group.pk], "real_name": "赵强"})
    response = client.post(f"/admin/portal/user/{target.pk}/change/", data)
    assert response.status_code in (200, 302)
    target.refresh_from_db()
    assert not target.is_superuser and not target.is_staff
    assert not target.groups.exists()
    # Another authority's user, a system admin and another office: not even opened.
    for username in ("qingpu_street", "admin", "qingpu_office"):
        other = User.objects.get(username=username)
        assert client.get(f"/admin/portal/user/{other.pk}/change/").status_code == 404
        assert client.post(f"/admin/portal/user/{other.pk}/change/", data).status_code == 404
        other.refresh_from_db()
        assert not other.is_superuser or username == "admin"


def test_the_system_admin_still_manages_rights(as_user):
    from portal.models import User

    client = as_user("admin")
    target = User.objects.get(username="qingpu_street")
    form = client.get(f"/admin/portal/user/{target.pk}/change/").context["adminform"].form
    assert {"is_superuser", "is_staff", "groups", "user_permissions"} <= set(form.fields)


def test_full_id_numbers_only_in_scope(as_user):
    from portal.models import User

    li_ming = User.objects.get(username="li_ming")
    # li_ming applied in Songjiang: the Songjiang office opens him (full number, it may);
    # no office outside his applications' and awards' authorities opens him at all.
    office_page = as_user("chen_office").get(f"/admin/portal/user/{li_ming.pk}/change/")
    assert office_page.status_code == 200
    assert li_ming.id_number in office_page.content.decode()
    # The city union (the craftsman award is his) opens him too, but its role is not among
    # sees_full_identity: the number is masked and not editable.
    union_page = as_user("union_city").get(f"/admin/portal/user/{li_ming.pk}/change/")
    assert union_page.status_code == 200
    text = union_page.content.decode()
    assert li_ming.id_number not in text and li_ming.masked_id_number in text
    assert "id_number" not in union_page.context["adminform"].form.fields
    kong = User.objects.get(username="demo_kong")
    response = as_user("chen_office").get(f"/admin/portal/user/{kong.pk}/change/")
    assert response.status_code == 404


# --- finance per authority ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finance", "theirs", "mine"),
    [("qingpu_finance", SONGJIANG, QINGPU), ("sun_finance", QINGPU, SONGJIANG)],
)
def test_finance_cannot_list_open_approve_or_export_another_authoritys_batch(
    finance, theirs, mine, as_user
):
    from subsidies.models import PaymentBatch

    client = as_user(finance)
    other = PaymentBatch.objects.filter(authority__code=theirs, status="draft").first()
    own = PaymentBatch.objects.filter(authority__code=mine, status="draft").first()
    assert other is not None and own is not None
    listing = client.get("/subsidies/batches/")
    assert listing.status_code == 200
    listed = {b.pk for b in listing.context["batches"]}
    assert own.pk in listed and other.pk not in listed
    assert client.get(f"/subsidies/batches/{other.pk}/").status_code == 404
    assert client.post(f"/subsidies/batches/{other.pk}/approve/").status_code == 404
    assert client.get(f"/subsidies/batches/{other.pk}/payroll.xlsx").status_code == 404
    in_admin = client.get(f"/admin/subsidies/paymentbatch/{other.pk}/change/")
    assert in_admin.status_code == 404 or in_admin.url.startswith("/admin/login/")
    other.refresh_from_db()
    assert other.status == "draft" and other.approved_by is None
    # Its own: the payroll sheet only once approved.
    assert client.get(f"/subsidies/batches/{own.pk}/").status_code == 200
    assert client.get(f"/subsidies/batches/{own.pk}/payroll.xlsx").status_code == 404
    assert client.post(f"/subsidies/batches/{own.pk}/approve/").status_code == 302
    own.refresh_from_db()
    assert own.status == "approved"
    exported = client.get(f"/subsidies/batches/{own.pk}/payroll.xlsx")
    assert exported.status_code == 200 and "spreadsheet" in exported["Content-Type"]


def test_the_approve_service_refuses_another_authoritys_finance(demo, db):
    from django.core.exceptions import PermissionDenied

    from portal.models import User
    from subsidies import services
    from subsidies.models import PaymentBatch

    batch = PaymentBatch.objects.filter(authority__code=SONGJIANG, status="draft").first()
    with pytest.raises(PermissionDenied):
        services.approve_batch(batch=batch, by=User.objects.get(username="qingpu_finance"))
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_offices_see_only_their_own_runs(as_user):
    from portal.models import Authority, User
    from subsidies import services

    qingpu = User.objects.get(username="qingpu_office")
    run = services.start_run(
        kind="monthly",
        period="2026-11",
        by=qingpu,
        enqueue=False,
        authority=Authority.objects.get(code=QINGPU),
    )
    assert as_user("chen_office").get(f"/subsidies/runs/{run.pk}/").status_code == 404
    assert as_user("chen_office").get(f"/subsidies/runs/{run.pk}/status/").status_code == 404
    assert as_user("qingpu_office").get(f"/subsidies/runs/{run.pk}/").status_code == 200


def test_the_city_union_sees_its_craftsman_awards(as_user):
    client = as_user("union_city")
    response = client.get("/subsidies/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "沪工总〔2024〕120号" in text and "沪松人社〔2024〕88号" not in text


def test_expert_pools_are_the_authoritys_own(demo, db):
    from applications.models import Application
    from portal.models import User
    from portal.scope import office_authority_ids, pool_experts
    from reviews import services

    chen = User.objects.get(username="chen_office")
    offered = {u.username for u in pool_experts(office_authority_ids(chen))}
    assert {"expert_a", "expert_b"} <= offered
    assert not offered & {"qingpu_expert", "shizhong_expert", "union_expert"}
    qingpu_app = Application.objects.get(applicant__username="demo_qingpu")
    assert User.objects.get(username="expert_a").pk not in services.expert_pool(qingpu_app)
    assert User.objects.get(username="qingpu_expert").pk in services.expert_pool(qingpu_app)


def test_the_user_pages_role_rows_refuse_an_office_or_finance_role(as_user):
    """The same rule through the roles on a user's page (the inline), also on a new user."""
    from portal.models import Region, RoleAssignment, User

    client = as_user("chen_office")
    target = User.objects.get(username="zhao_street")
    data = _user_change(client, target)
    prefix = "roles"
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    songjiang = Region.objects.get(code="songjiang")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-role": "finance",
            f"{prefix}-{total}-region": str(songjiang.pk),
            f"{prefix}-{total}-user": str(target.pk),
        }
    )
    before = RoleAssignment.objects.count()
    response = client.post(f"/admin/portal/user/{target.pk}/change/", data)
    assert response.status_code == 200
    assert "只能由系统管理员分配" in response.content.decode()
    assert RoleAssignment.objects.count() == before
    # A new account with an office role in the same request: refused too, nothing made.
    response = client.post(
        "/admin/portal/user/add/",
        {
            "username": "new_office",
            "real_name": "新经办",
            "password1": "Zz@9xQ!w7Lm#2026",
            "password2": "Zz@9xQ!w7Lm#2026",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-role": "district_office",
            "roles-0-region": str(songjiang.pk),
            "_save": "保存",
        },
    )
    assert not RoleAssignment.objects.filter(user__username="new_office").exists()
    assert not User.objects.filter(username="new_office", roles__role="district_office").exists()


def test_the_city_unions_workbench_leads_to_its_awards_a_district_unions_does_not(as_user):
    page = as_user("union_city").get("/workbench/").content.decode()
    assert 'href="/subsidies/"' in page and 'href="/admin/"' in page
    page = as_user("zhou_union").get("/workbench/").content.decode()
    assert 'href="/subsidies/"' not in page and 'href="/admin/"' not in page


@pytest.mark.unit
def test_the_authority_module_names_the_models_choice_values():
    """portal.authorities may not import portal.models (the models call it): its values match."""
    from portal import authorities
    from portal.models import Authority, RegionKind, Role

    assert set(authorities.DISTRICT_LEVEL_KINDS) == {RegionKind.DISTRICT, RegionKind.CITY}
    assert set(authorities.UNSCOPED_ROLES) == {Role.APPLICANT, Role.SYSTEM_ADMIN}
    assert authorities.CITY_UNION_KIND == Authority.Kind.CITY_UNION
