"""The streets, units, offices and experts of the data set."""

from __future__ import annotations

from portal.demo import demo_credit_code
from portal.models import Authority, Department, Region, Role, RoleAssignment, Union, Unit, User
from reviews.models import ExpertProfile
from subsidies.load_data.plan import (
    AREA,
    DEPARTMENTS,
    EXPERTS,
    MARK,
    PREFIX,
    STREETS,
    UNIT_SHARE,
    UNITS_PER,
)


class People:
    def organisations(self):

        regions = {r.code: r for r in Region.objects.filter(parent__isnull=False)}
        self.districts = {r.code: r for r in Region.objects.filter(code__in=list(STREETS))}
        self.streets = {d: [regions[c] for c in codes] for d, codes in STREETS.items()}
        self.counts.streets = sum(len(s) for s in self.streets.values())
        departments = {d.code: d for d in Department.objects.all()}
        unions = {u.code: u for u in Union.objects.all()}
        self.city_union = unions["shanghai-ftu"]
        self.authorities = {a.code: a for a in Authority.objects.all()}
        total_units = max(len(STREETS) * 2, -(-self.n // UNITS_PER))
        units = []
        for district, share in UNIT_SHARE.items():
            for i in range(max(2, round(total_units * share))):
                number = len(units) + 1
                street = self.streets[district][i % len(self.streets[district])]
                public = self.rng.random() < 0.15
                department = departments[self.rng.choice(DEPARTMENTS[district])] if public else None
                union = {"songjiang": "songjiang-ftu", "qingpu": "qingpu-ftu"}.get(district)
                units.append(
                    Unit(
                        name=f"{MARK}单位{number:03d}{'中心' if public else '有限公司'}",
                        credit_code=demo_credit_code(
                            f"{'12' if public else '91'}{AREA[district]}MA1L{number:05d}"
                        ),
                        kind=Unit.Kind.PUBLIC_INSTITUTION if public else Unit.Kind.ENTERPRISE,
                        tax_district=self.districts[district],
                        street=street,
                        department=department,
                        union=unions.get(union) if union else None,
                        legal_representative=f"{MARK}法人{number:03d}",
                        contact_name=f"{MARK}联系人{number:03d}",
                        contact_phone=f"021-5{number:07d}",
                    )
                )
        Unit.objects.bulk_create(units)
        self.units = {
            d: [u for u in units if u.tax_district_id == r.pk] for d, r in self.districts.items()
        }
        self.counts.units = len(units)

    def staff(self):

        offices = {}
        for code, region in (
            ("songjiang-hrss", "songjiang"),
            ("qingpu-hrss", "qingpu"),
            ("shizhong-hrss", "shizhong"),
        ):
            offices[code] = (region, None)
        offices["shanghai-ftu"] = (None, self.city_union)
        users, roles = [], []
        for code, (region, union) in offices.items():
            user = User(
                username=f"{PREFIX}office_{code}",
                real_name=f"{MARK}经办{code}",
                password=self.unusable,
            )
            users.append(user)
            roles.append(
                RoleAssignment(
                    user=user,
                    role=Role.UNION_REVIEWER if union else Role.DISTRICT_OFFICE,
                    region=Region.objects.get(code=region) if region else None,
                    union=union,
                    authority=self.authorities[code],
                )
            )
        self.offices = dict(zip(offices, users, strict=True))
        experts = []
        for code, count in EXPERTS:
            for _i in range(count):
                number = len(experts) + 1
                user = User(
                    username=f"{PREFIX}expert_{number:02d}",
                    real_name=f"{MARK}专家{number:02d}",
                    password=self.unusable,
                )
                experts.append((code, user))
        users += [u for _c, u in experts]
        User.objects.bulk_create(users)
        roles += [
            RoleAssignment(user=u, role=Role.EXPERT, authority=self.authorities[c])
            for c, u in experts
        ]
        RoleAssignment.objects.bulk_create(roles)
        ExpertProfile.objects.bulk_create(
            ExpertProfile(
                user=u,
                authority=self.authorities[c],
                fields_of_expertise="机械制造",
                title="高级技师",
            )
            for c, u in experts
        )
        self.experts = {}
        for code, user in experts:
            self.experts.setdefault(code, []).append(user)
        self.counts.experts = len(experts)

    # --- rounds and applications -------------------------------------------------------
