"""Demo organisations and accounts (one per role), shared by `load_demo` and the tests."""

from __future__ import annotations

import functools

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from stdnum.cn import ric, uscc

from portal.models import Authority, Department, Region, Role, Union, Unit, User
from portal.organisations import load_organisations
from portal.roles import grant

DEMO_PASSWORD = "Demo@2026"
OFFICE_GROUP = "区人社局经办"
STAFF_APPS = ["portal", "programmes", "applications", "reviews", "subsidies"]


def demo_id_number(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


def demo_credit_code(prefix17: str) -> str:
    return prefix17 + uscc.calc_check_digit(prefix17)


UNITS = [
    {
        "key": "songjiang_machinery",
        "name": "上海松江精密机械有限公司",
        "credit_code": demo_credit_code("91310117MA1J3K8X2"),
        "kind": Unit.Kind.ENTERPRISE,
        "tax_district": "songjiang",
        "street": "songjiang-chedun",
        "legal_representative": "周建国",
        "address": "上海市松江区车墩镇车峰路88号",
        "contact_name": "王芳",
        "contact_phone": "021-57600001",
    },
    {
        "key": "songjiang_school",
        "name": "上海市松江区职业技术学校",
        "credit_code": demo_credit_code("12310117425011738"),
        "kind": Unit.Kind.PUBLIC_INSTITUTION,
        "tax_district": "songjiang",
        "street": "songjiang-yueyang",
        "department": "songjiang-education",
        "legal_representative": "陆文华",
        "address": "上海市松江区岳阳街道人民北路100号",
        "contact_name": "沈丽",
        "contact_phone": "021-57800002",
    },
    {
        "key": "songjiang_training",
        "name": "上海松江高技能人才培训中心有限公司",
        "credit_code": demo_credit_code("91310117MA1K4L2Q0"),
        "kind": Unit.Kind.TRAINING,
        "tax_district": "songjiang",
        "street": "songjiang-economic-zone",
        "legal_representative": "顾明",
        "address": "上海市松江区松江经济技术开发区荣乐东路2号",
        "contact_name": "顾敏",
        "contact_phone": "021-57700003",
    },
    {
        "key": "qingpu_manufacturing",
        "name": "上海青浦智能制造股份有限公司",
        "credit_code": demo_credit_code("91310118MA1M5N6P7"),
        "kind": Unit.Kind.ENTERPRISE,
        "tax_district": "qingpu",
        "street": "qingpu-xianghuaqiao",
        "legal_representative": "徐志强",
        "address": "上海市青浦区香花桥街道天辰路999号",
        "contact_name": "陆佳",
        "contact_phone": "021-59700004",
    },
    {
        "key": "shizhong_works",
        "name": "枣庄市市中区精工机械有限公司",
        "credit_code": demo_credit_code("91370402MA3C7D8E9"),
        "kind": Unit.Kind.ENTERPRISE,
        "tax_district": "shizhong",
        "street": "shizhong-guangminglu",
        "legal_representative": "孔令军",
        "address": "山东省枣庄市市中区光明路街道光明大道66号",
        "contact_name": "张红",
        "contact_phone": "0632-3300005",
    },
]

# username, real name, roles [(role, scope kind, scope key)], extra fields
ACCOUNTS = [
    ("admin", "系统管理员", [(Role.SYSTEM_ADMIN, None, None)], {"is_superuser": True}),
    (
        "li_ming",
        "李明",
        [(Role.APPLICANT, None, None)],
        {
            "phone": "13800000001",
            "email": "li_ming@example.cn",
            "id_number": demo_id_number("31010419750315101"),
        },
    ),
    (
        "wang_hr",
        "王芳",
        [(Role.UNIT_HR, "unit", "songjiang_machinery")],
        {"email": "wang_hr@example.cn"},
    ),
    (
        "zhao_street",
        "赵强",
        [(Role.STREET_REVIEWER, "region", "songjiang-chedun")],
        {"email": "zhao_street@example.cn"},
    ),
    (
        "qian_dept",
        "钱芸",
        [(Role.DEPARTMENT_REVIEWER, "department", "songjiang-education")],
        {"email": "qian_dept@example.cn"},
    ),
    (
        "zhou_union",
        "周文",
        [(Role.UNION_REVIEWER, "union", "songjiang-ftu")],
        {"email": "zhou_union@example.cn"},
    ),
    (
        "chen_office",
        "陈静",
        [(Role.DISTRICT_OFFICE, "region", "songjiang")],
        {"email": "chen_office@example.cn", "is_staff": True},
    ),
    ("expert_a", "吴海峰", [(Role.EXPERT, None, None)], {"email": "expert_a@example.cn"}),
    ("expert_b", "郑晓燕", [(Role.EXPERT, None, None)], {"email": "expert_b@example.cn"}),
    (
        "sun_finance",
        "孙丽",
        [(Role.FINANCE, "region", "songjiang")],
        {"email": "sun_finance@example.cn"},
    ),
    (
        "gu_base",
        "顾敏",
        [(Role.APPLICANT_ORG, "unit", "songjiang_training")],
        {"email": "gu_base@example.cn"},
    ),
    # 青浦区人社局
    (
        "qingpu_office",
        "何建平",
        [(Role.DISTRICT_OFFICE, "region", "qingpu")],
        {"email": "qingpu_office@example.cn", "is_staff": True},
    ),
    (
        "qingpu_finance",
        "姚红",
        [(Role.FINANCE, "region", "qingpu")],
        {"email": "qingpu_finance@example.cn"},
    ),
    (
        "qingpu_street",
        "沈浩",
        [(Role.STREET_REVIEWER, "region", "qingpu-xianghuaqiao")],
        {"email": "qingpu_street@example.cn"},
    ),
    ("qingpu_expert", "蒋立新", [(Role.EXPERT, "authority", "qingpu-hrss")], {}),
    # 市中区人社局
    (
        "shizhong_office",
        "孔祥云",
        [(Role.DISTRICT_OFFICE, "region", "shizhong")],
        {"email": "shizhong_office@example.cn", "is_staff": True},
    ),
    (
        "shizhong_finance",
        "褚玉梅",
        [(Role.FINANCE, "region", "shizhong")],
        {"email": "shizhong_finance@example.cn"},
    ),
    (
        "shizhong_street",
        "田卫东",
        [(Role.STREET_REVIEWER, "region", "shizhong-guangminglu")],
        {"email": "shizhong_street@example.cn"},
    ),
    ("shizhong_expert", "颜廷刚", [(Role.EXPERT, "authority", "shizhong-hrss")], {}),
    # 上海市总工会 and a 区局（产业）工会 under it
    (
        "union_city",
        "杨帆",
        [(Role.UNION_REVIEWER, "union", "shanghai-ftu")],
        {"email": "union_city@example.cn", "is_staff": True},
    ),
    (
        "union_district",
        "潘丽华",
        [(Role.UNION_REVIEWER, "union", "shanghai-mechanical-union")],
        {"email": "union_district@example.cn"},
    ),
    (
        "union_finance",
        "许静",
        [(Role.FINANCE, "region", "shanghai")],
        {"email": "union_finance@example.cn"},
    ),
    ("union_expert", "戴国强", [(Role.EXPERT, "authority", "shanghai-ftu")], {}),
]

# The pool each demo expert is in (reviews' ExpertProfile.authority and the role's authority).
EXPERT_POOLS = {
    "expert_a": "songjiang-hrss",
    "expert_b": "songjiang-hrss",
    "qingpu_expert": "qingpu-hrss",
    "shizhong_expert": "shizhong-hrss",
    "union_expert": "shanghai-ftu",
}


@transaction.atomic
def load_demo_people() -> dict[str, Unit]:
    """Organisations, demo units and the demo accounts; idempotent."""
    load_organisations()
    units = load_units()
    load_accounts(units)
    return units


def load_units() -> dict[str, Unit]:
    units = {}
    for spec in UNITS:
        data = dict(spec)
        key = data.pop("key")
        data["tax_district"] = Region.objects.get(code=data["tax_district"])
        data["street"] = Region.objects.get(code=data["street"])
        if data.get("department"):
            data["department"] = Department.objects.get(code=data["department"])
        data["union"] = Union.objects.filter(district=data["tax_district"]).first()
        unit, _ = Unit.objects.update_or_create(credit_code=data["credit_code"], defaults=data)
        units[key] = unit
    return units


def load_accounts(units: dict[str, Unit]) -> None:
    group = office_group()
    for username, real_name, roles, extra in ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.real_name = real_name
        for field, value in extra.items():
            setattr(user, field, value)
        if username == "admin":
            user.is_staff = True
        user.password = demo_password_hash()
        user.save()
        for role, kind, key in roles:
            scope = {}
            if kind == "unit":
                scope["unit"] = units[key]
            elif kind == "region":
                scope["region"] = Region.objects.get(code=key)
            elif kind == "department":
                scope["department"] = Department.objects.get(code=key)
            elif kind == "union":
                scope["union"] = Union.objects.get(code=key)
            elif kind == "authority":
                scope["authority"] = Authority.objects.get(code=key)
            if role == Role.EXPERT and not scope:
                scope["authority"] = Authority.objects.get(code=EXPERT_POOLS[username])
            assignment = grant(user, role, **scope)
            if assignment.authority_id is None and role != Role.EXPERT:
                assignment.save()  # derives the authority (made before authorities existed)
        if user.is_staff and not user.is_superuser:
            user.groups.add(group)


@functools.cache
def demo_password_hash() -> str:
    """One Argon2 hash shared by the demo accounts (hashing is slow on purpose)."""
    return make_password(DEMO_PASSWORD)


def office_group() -> Group:
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=STAFF_APPS))
    return group
