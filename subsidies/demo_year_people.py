"""The people and organisations of the demo year (`load_demo --year`): plainly fictitious.

Every unit's name starts with 示例, every person's name with 示例; ID numbers carry the district's
area code, a birth date on the first of a month and a valid check digit (GB 11643-1999, computed
by python-stdnum), credit codes a valid check character. Phone numbers are in 199 0000 xxxx, a
block no operator hands out for this demo. Deterministic: everything follows from the index.
"""

from __future__ import annotations

import random

from stdnum.cn import ric, uscc

from portal.demo import demo_password_hash
from portal.models import Authority, Department, Region, RegionKind, Role, Union, Unit, User
from portal.roles import grant
from reviews.models import ExpertProfile

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国华明伟强军平东海涛斌磊鹏辉杰勇峰超波刚毅宁远晨晓文静丽敏燕红霞娟芳婷雪琳"
# Fictitious unit names: 示例 + a made-up brand + the trade.
BRANDS = [
    "星衡",
    "云岚",
    "泽川",
    "恒拓",
    "启明",
    "嘉禾",
    "锐川",
    "晟远",
    "岱峰",
    "新澜",
    "瑞翔",
    "弘途",
]
TRADES = [
    ("精密机械有限公司", Unit.Kind.ENTERPRISE),
    ("智能装备股份有限公司", Unit.Kind.ENTERPRISE),
    ("汽车零部件有限公司", Unit.Kind.ENTERPRISE),
    ("电气自动化有限公司", Unit.Kind.ENTERPRISE),
    ("新材料科技有限公司", Unit.Kind.ENTERPRISE),
    ("建设工程有限公司", Unit.Kind.ENTERPRISE),
]
# Area codes of the districts (where the ID number was issued).
AREA = {"songjiang": "310117", "qingpu": "310118", "shizhong": "370402"}
PHONE_PREFIX = "1990000"
USER_PREFIX = "demo_y"


def person_name(rng: random.Random) -> str:
    return "示例" + rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def id_number(district: str, index: int, rng: random.Random) -> str:
    year = 1972 + rng.randrange(18)
    month = 1 + rng.randrange(12)
    prefix = f"{AREA.get(district, '310117')}{year:04d}{month:02d}01{index % 1000:03d}"
    return prefix + ric.calc_check_digit(prefix + "0")


def streets_of(district: Region) -> list[Region]:
    return list(
        Region.objects.filter(
            parent=district, kind__in=[RegionKind.STREET, RegionKind.TOWN]
        ).order_by("code")
    )


def demo_units(district: Region, count: int, *, school=True) -> list[Unit]:
    """`count` fictitious units of the district, each in a different street or town where the
    district has enough; one public institution under a department where the district has one
    (`school`). A unit another round made already is kept as it is (rounds share units), and what
    is drawn for a unit follows from the district and its index alone, whichever round makes it."""
    streets = streets_of(district)
    union = Union.objects.filter(district=district).first()
    department = Department.objects.filter(district=district).order_by("code").first()
    units = []
    for n in range(count):
        brand = BRANDS[n % len(BRANDS)]
        trade, kind = TRADES[(n + n // len(BRANDS)) % len(TRADES)]
        street = streets[(n * 5) % len(streets)] if streets else None
        name = f"示例{district.name[:2]}{brand}{trade}"
        dept = None
        if school and n == count - 1 and department is not None:
            name, kind, dept = (
                f"示例{district.name}{brand}职业技术学校",
                Unit.Kind.PUBLIC_INSTITUTION,
                department,
            )
        rng = random.Random(f"demo-year-unit:{district.code}:{n}")
        prefix = f"91{AREA.get(district.code, '310117')}{n:02d}{rng.randrange(10**7):07d}"
        if kind == Unit.Kind.PUBLIC_INSTITUTION:
            prefix = "12" + prefix[2:]
        unit, _ = Unit.objects.get_or_create(
            name=name,
            defaults={
                "credit_code": prefix + uscc.calc_check_digit(prefix),
                "kind": kind,
                "tax_district": district,
                "street": street,
                "department": dept,
                "union": union,
                "legal_representative": person_name(rng),
                "address": f"{district.name}{street.name if street else ''}示例路{10 + n}号",
                "contact_name": person_name(rng),
                "contact_phone": f"{PHONE_PREFIX}{900 + n:04d}",
            },
        )
        units.append(unit)
    return units


def account(username: str, name: str, role: str, **scope) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, real_name=name, password=demo_password_hash())
        user.save()
    grant(user, role, **scope)
    return user


def applicant(series: int, index: int, district: str, rng: random.Random) -> User:
    """The `index`th applicant of the `series`th demo round (its own phone block)."""
    username = f"{USER_PREFIX}_{series}_{index:02d}"
    user = User.objects.filter(username=username).first()
    if user is None:
        phone = f"{PHONE_PREFIX}{series}{index:03d}"
        user = User(
            username=username,
            real_name=person_name(rng),
            phone=phone,
            id_number=id_number(district, index, rng),
            password=demo_password_hash(),
        )
        user.save()
        grant(user, Role.APPLICANT)
    return user


class Actors:
    """The staff account acting at each stage, the demo account of the role where the README
    names one, otherwise a fictitious 示例 account made once."""

    def __init__(self, office: User):
        self.office = office

    def unit_hr(self, unit: Unit) -> User:
        existing = User.objects.filter(roles__role=Role.UNIT_HR, roles__unit=unit).first()
        if existing:
            return existing
        return account(f"{USER_PREFIX}_hr_{unit.pk}", f"示例人事{unit.pk}", Role.UNIT_HR, unit=unit)

    def street(self, street: Region) -> User:
        existing = User.objects.filter(
            roles__role=Role.STREET_REVIEWER, roles__region=street
        ).first()
        if existing:
            return existing
        return account(
            f"{USER_PREFIX}_st_{street.code}",
            f"示例审核{street.pk}",
            Role.STREET_REVIEWER,
            region=street,
        )

    def department(self, department: Department) -> User:
        existing = User.objects.filter(
            roles__role=Role.DEPARTMENT_REVIEWER,
            roles__department=department,
        ).first()
        if existing:
            return existing
        return account(
            f"{USER_PREFIX}_dp_{department.code}",
            f"示例主管{department.pk}",
            Role.DEPARTMENT_REVIEWER,
            department=department,
        )


def experts(authority_code: str, demo_experts: list[str], extra: int) -> list[User]:
    """The pool's demo experts and `extra` fictitious ones, each with a profile in the pool."""
    authority = Authority.objects.get(code=authority_code)
    people = list(User.objects.filter(username__in=demo_experts).order_by("username"))
    for n in range(extra):
        user = account(
            f"{USER_PREFIX}_ex_{authority_code}_{n}",
            f"示例专家{authority.pk}{n}",
            Role.EXPERT,
            authority=authority,
        )
        ExpertProfile.objects.get_or_create(
            user=user,
            defaults={
                "fields_of_expertise": "机械制造、技能培训",
                "title": "高级技师",
                "authority": authority,
            },
        )
        people.append(user)
    return people


def conflicted(expert: User, application) -> bool:
    """An expert of the applicant's own unit is not assigned (the service would refuse)."""
    profile = getattr(expert, "expert_profile", None)
    return bool(profile and profile.unit_id and profile.unit_id == application.unit_id)
