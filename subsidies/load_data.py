"""The load-test data set (`manage.py seed_load`): a city's worth of applications, reviews,
awards and ledger, deterministic for a given size, seed and day.

In this app because it writes all three layers below the dashboards: applications (placed by
the gate's bulk path, `applications.gate.bulk_place`, never by writing status or stage here),
reviews (panels, assignments, score sheets, naming) and subsidies (awards, assessments, and the
ledger filled by the real monthly and annual runs, `subsidies.services.run_payments` /
`run_annual`, so `audit_ledger` finds what it would find in production).

Proportions, for N applications (the issue's 20,000 figures in brackets):

- six rule sets: 松江首席技师 40%, 上海工匠 20%, 市中首席技师 12%, 青浦资助 12%,
  松江培养基地 10%, 青浦追加资助 6%; each on the rounds its text allows (in force, round rules)
  among the last five years: the newest round is live (open for a text in force this year,
  else in review), the earlier ones closed;
- 16 streets (10 in Songjiang, 4 in Qingpu, 2 in Shizhong), N/40 units (500) in those
  streets (85% enterprises, 15% public institutions reporting through a competent department),
  50 experts (20 Songjiang, 10 Qingpu, 10 city union, 10 Shizhong), one account per
  application (applicant, or the unit's login for organisation and project rule sets);
- a quarter of the applications are of finished rounds (40% of those named, the rest rejected
  at a stage that may reject), so about 10% are named and have an award (2,000);
- the live ones: drafts (12% where the round is open), then spread over every stage of their
  path (fewer further on), 8% returned and 8% rejected where the stage allows it, 4% approved
  waiting for naming;
- every submitted application has its frozen version (the rule set's whole demo declaration,
  the name and ID number its own), an audit trail of each stage it entered, and the unit's
  nomination record once past the unit's stages;
- three experts per application that reached an expert stage: sheets submitted for all of
  those past it, and for those still at it as many as bring the whole to about 0.43 sheets per
  application (8,600; fewer only where more applications are past the experts than that);
- awards with their assessments, and the ledger of every monthly and annual run from the first
  naming to this month (the earlier batches paid, this month's in draft): for the Songjiang
  chief technicians up to 36 monthly allowances each.

Names are plainly fictitious (压测人员00001, 压测单位001有限公司, 压测银行); accounts start
with `load_` and have no usable password. A database that already holds seeded rows is refused
(the audit trail is append-only, so they cannot be deleted): seed a fresh database.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

PREFIX = "load_"
MARK = "压测"
UNITS_PER = 40  # applications per unit
SHARES = (
    ("songjiang-chief-technician", 0.40),
    ("shanghai-craftsman", 0.20),
    ("shizhong-chief-technician", 0.12),
    ("qingpu-chief-technician-subsidy", 0.12),
    ("songjiang-training-base", 0.10),
    ("qingpu-chief-technician-additional-funding", 0.06),
)
STREETS = {
    "songjiang": [
        "songjiang-yueyang", "songjiang-yongfeng", "songjiang-fangsong", "songjiang-zhongshan",
        "songjiang-guangfulin", "songjiang-jiuliting", "songjiang-sijing", "songjiang-chedun",
        "songjiang-jiuting", "songjiang-economic-zone",
    ],
    "qingpu": ["qingpu-xiayang", "qingpu-yingpu", "qingpu-xianghuaqiao", "qingpu-zhaoxiang"],
    "shizhong": ["shizhong-zhongxinjie", "shizhong-guangminglu"],
}  # fmt: skip
UNIT_SHARE = {"songjiang": 0.55, "qingpu": 0.3, "shizhong": 0.15}
AREA = {"songjiang": "310117", "qingpu": "310118", "shizhong": "370402"}
DEPARTMENTS = {
    "songjiang": ["songjiang-education", "songjiang-health", "songjiang-economy"],
    "qingpu": ["qingpu-education", "qingpu-economy"],
    "shizhong": ["shizhong-education", "shizhong-industry"],
}
EXPERTS = (("songjiang-hrss", 20), ("qingpu-hrss", 10), ("shanghai-ftu", 10), ("shizhong-hrss", 10))
EXPERTS_PER_APPLICATION = 3
SHEETS_PER_APPLICATION = 0.43
FINISHED_SHARE = 0.25
NAMED_SHARE = 0.40
EXPERT_KINDS = frozenset({"expert_review", "expert_scoring", "release_meeting", "interview"})
UNIT_SIDE = frozenset({"unit_review", "internal_publicity"})


class SeedError(Exception):
    """The database cannot take the data set (already seeded, rule sets missing)."""


@dataclass
class Counts:
    applications: int = 0
    drafts: int = 0
    units: int = 0
    streets: int = 0
    experts: int = 0
    rounds: int = 0
    events: int = 0
    score_sheets: int = 0
    awards: int = 0
    payments: int = 0
    by_stage: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        per_award = self.payments / self.awards if self.awards else 0
        return [
            f"申报 {self.applications} 条（草稿 {self.drafts}），批次 {self.rounds} 个，"
            f"单位 {self.units} 个，街镇 {self.streets} 个，专家 {self.experts} 名",
            f"办理记录 {self.events} 条，评分表 {self.score_sheets} 份"
            f"（每条申报 {self.score_sheets / max(self.applications, 1):.2f} 份）",
            f"命名 {self.awards} 个，台账 {self.payments} 笔（每个命名 {per_award:.1f} 笔）",
        ]


def seeded_applications():
    from applications.models import Application

    return Application.objects.filter(applicant__username__startswith=PREFIX)


def _aware(day: date, rng: random.Random) -> datetime:
    moment = time(8 + rng.randrange(10), rng.randrange(60))
    return timezone.make_aware(datetime.combine(day, moment))


def _early(rng: random.Random, count: int) -> int:
    """A stage index, the early stages far more often (most of a round's files are still at
    the first reviews; fewer reach the experts)."""
    return min(int(count * rng.random() ** 2.5), count - 1)


def _named_on(round_, today: date) -> date:
    """Naming about ten weeks after the round closes (publicity and approval done)."""
    return min(round_.closes_on + timedelta(days=70), today - timedelta(days=1))


def _id_number(district: str, index: int) -> str:
    from stdnum.cn import ric

    born = date(1972, 1, 1) + timedelta(days=index // 900)
    first = f"{AREA[district]}{born:%Y%m%d}{100 + index % 900:03d}"
    return first + ric.calc_check_digit(first + "0")


def _rounds_of(version, today: date, taken: list[int]):
    """(year, opens_on, closes_on, status) of the rounds the text allows, newest first."""
    from programmes.models import Round
    from programmes.rounds import round_problems

    ruleset = version.ruleset
    identity = ruleset.identity
    top = min(today.year, identity.in_force_until.year if identity.in_force_until else today.year)
    chosen: list[tuple] = []
    for year in range(top, today.year - 5, -1):
        if len(chosen) == 3:
            break
        live = not chosen
        if live and year == today.year and identity.in_force_from <= today - timedelta(days=30):
            opens, closes, status = today - timedelta(days=30), today + timedelta(days=30), "open"
        else:
            quarter = next((r.value for r in ruleset.rounds if r.rule == "quarter"), 2)
            opens = max(date(year, 3 * quarter - 2, 1), identity.in_force_from)
            closes = opens + timedelta(days=45)
            status = Round.Status.REVIEW if live else Round.Status.CLOSED
        if identity.in_force_until and closes > identity.in_force_until:
            closes = identity.in_force_until
        if closes < opens or (status != "open" and closes >= today):
            continue
        problems = round_problems(
            ruleset,
            year=year,
            opens_on=opens,
            closes_on=closes,
            quota=None,
            other_years=[c[0] for c in chosen] + taken,
        )
        if not problems:
            chosen.append((year, opens, closes, status))
    return chosen


class _Builder:
    def __init__(self, n: int, seed: int, today: date, log):
        self.n, self.today, self.log = n, today, log
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.counts = Counts()
        from django.contrib.auth.hashers import make_password  # settings are ready by now

        self.unusable = make_password(None)  # no one signs in with a seeded account

    # --- the organisations and people ----------------------------------------------------

    def organisations(self):
        from portal.demo import demo_credit_code
        from portal.models import Authority, Department, Region, Union, Unit

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
        from portal.models import Region, Role, RoleAssignment, User
        from reviews.models import ExpertProfile

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

    def rounds(self):
        from programmes.models import Programme, Round

        self.authority_of: dict[int, str] = {}
        self.plan = []  # (round, version, ruleset, share of the programme's applications, live)
        for code, share in SHARES:
            programme = Programme.objects.filter(code=code).first()
            version = programme.latest_version if programme else None
            if version is None:
                raise SeedError(f"规则集 {code} 未导入：请先运行 load_programmes")
            taken = list(
                Round.objects.filter(version__programme=programme).values_list("year", flat=True)
            )
            found = _rounds_of(version, self.today, taken)
            if not found:
                raise SeedError(f"{code}：近五年没有该文件允许的批次")
            made = []
            for year, opens, closes, status in found:
                round_ = Round(
                    version=version,
                    name=f"{MARK}：{year}年度{programme.name}",
                    year=year,
                    opens_on=opens,
                    closes_on=closes,
                    status=status,
                )
                round_.full_clean()
                made.append(round_)
            Round.objects.bulk_create(made)
            for round_ in made:
                self.authority_of[round_.pk] = programme.authority.code
            self.plan.append((code, share, version, made))
            self.counts.rounds += len(made)
        self.rulesets = {r.pk: v.ruleset for _c, _s, v, rounds in self.plan for r in rounds}

    def _route_units(self, code: str, ruleset):
        district = ruleset.identity.district
        if district == "shanghai":
            return self.units["songjiang"] + self.units["qingpu"]
        return self.units[district]

    def _place(self, application, ruleset, round_, finished: bool):
        """A placement (gate.Placement) the workflow can reach, drawn with the proportions."""
        from applications.gate import Placement, _route
        from programmes.paths import path

        rng = self.rng
        stages = list(ruleset.workflow.stages)
        on_path = path(stages, _route(application))
        review = [s for s in on_path if s.kind not in ("nomination", "naming")]
        naming = next(s for s in on_path if s.kind == "naming")
        if not finished and round_.status == "open" and rng.random() < 0.12:
            return Placement(status="draft", stage=stages[0].code), None
        if finished:
            if rng.random() < NAMED_SHARE:
                status, stage = "named", naming
            else:
                rejecting = [s for s in review if "reject" in s.outcomes]
                status, stage = "rejected", rejecting[_early(rng, len(rejecting))]
        else:
            draw = rng.random()
            if draw < 0.04:
                status, stage = "approved", naming
            else:
                stage = review[_early(rng, len(review))]
                status = "in_review"
                if draw < 0.12 and "return" in stage.outcomes:
                    status = "returned"
                elif 0.12 <= draw < 0.20 and "reject" in stage.outcomes:
                    status = "rejected"
        first = review[0]
        codes = [s.code for s in on_path]
        trail_codes = codes[codes.index(first.code) : codes.index(stage.code) + 1]
        submitted = _aware(
            round_.opens_on
            + timedelta(days=rng.randrange(max(1, (round_.closes_on - round_.opens_on).days))),
            rng,
        )
        submitted = min(submitted, self.now - timedelta(days=2))
        if finished:
            end = _aware(_named_on(round_, self.today) - timedelta(days=1), rng)
        else:
            end = self.now - timedelta(hours=rng.randrange(1, 72))
        end = max(end, submitted + timedelta(hours=1))
        span = (end - submitted).total_seconds()
        marks = sorted(rng.random() for _ in trail_codes[1:])
        times = [submitted] + [submitted + timedelta(seconds=span * m) for m in marks]
        return Placement(
            status=status,
            stage=stage.code,
            trail=tuple(zip(trail_codes, times, strict=True)),
            submitted_by=application.applicant,
        ), submitted

    def applications(self):
        from applications.demo_data import demo_form_data
        from applications.gate import bulk_place
        from applications.models import Application, ApplicationVersion, Nomination
        from portal.models import Role, RoleAssignment, User

        rng = self.rng
        people, roles, apps, placements = [], [], [], []
        index = 0
        targets = [max(1, round(self.n * share)) for _c, share, _v, _r in self.plan]
        targets[0] += self.n - sum(targets)
        for (code, _share, version, rounds), target in zip(self.plan, targets, strict=True):
            ruleset = version.ruleset
            kind = ruleset.identity.applicant_kind
            form = demo_form_data(ruleset, on=self.today)
            units = self._route_units(code, ruleset)
            channels = [c.code for c in ruleset.eligibility.channels]
            for k in range(target):
                index += 1
                finished = k < target * FINISHED_SHARE
                # the finished ones in the earlier rounds (or the only one, 上海工匠 2024)
                round_ = rounds[1 + k % (len(rounds) - 1)] if finished and rounds[1:] else rounds[0]
                district = (
                    ruleset.identity.district
                    if ruleset.identity.district in AREA
                    else ("songjiang" if rng.random() < 0.6 else "qingpu")
                )
                unit = units[rng.randrange(len(units))]
                channel = channels[0] if rng.random() < 0.8 else rng.choice(channels)
                name = f"{MARK}人员{index:05d}"
                id_number = _id_number(district, index)
                user = User(
                    username=f"{PREFIX}{index:05d}",
                    real_name=name if kind == "person" else f"{unit.name}{index:05d}",
                    id_number=id_number if kind == "person" else None,
                    password=self.unusable,
                )
                people.append(user)
                role = Role.APPLICANT if kind == "person" else Role.APPLICANT_ORG
                roles.append(
                    RoleAssignment(
                        user=user,
                        role=role,
                        unit=None if kind == "person" else unit,
                        authority=self.authorities.get(
                            {"songjiang": "songjiang-hrss", "qingpu": "qingpu-hrss",
                             "shizhong": "shizhong-hrss"}[district]
                        ) if kind != "person" else None,
                    )
                )  # fmt: skip
                data = copy.deepcopy(form)
                for section in ("person", "leader"):
                    if isinstance(data.get(section), dict):
                        if "name" in data[section]:
                            data[section]["name"] = name
                        if "id_number" in data[section]:
                            data[section]["id_number"] = id_number
                if isinstance(data.get("organisation"), dict) and "name" in data["organisation"]:
                    data["organisation"]["name"] = unit.name
                freelancer = channel == "self" and district == "shizhong"
                application = Application(
                    round=round_,
                    applicant=user,
                    unit=None if freelancer else unit,
                    channel=channel,
                    data=data,
                    street=rng.choice(self.streets[district]) if freelancer else unit.street,
                    department=None if freelancer else unit.department,
                    union=(unit.union or self.city_union) if channel == "union" else None,
                    revision=rng.randrange(1, 30),
                )
                placement, when = self._place(application, ruleset, round_, finished)
                application.created_at = (when or self.now) - timedelta(days=rng.randrange(1, 10))
                application.updated_at = placement.trail[-1][1] if placement.trail else (
                    self.now - timedelta(hours=rng.randrange(1, 240))
                )  # fmt: skip
                application.submitted_at = when
                apps.append(application)
                placements.append(placement)
        User.objects.bulk_create(people, batch_size=2000)
        RoleAssignment.objects.bulk_create(roles, batch_size=2000)
        for application in apps:
            application.applicant_id = application.applicant.pk
        bulk_place(apps, placements, rulesets=self.rulesets)
        versions, nominations = [], []
        for application, placement in zip(apps, placements, strict=True):
            self.counts.by_stage[(application.status, application.stage)] = (
                self.counts.by_stage.get((application.status, application.stage), 0) + 1
            )
            if application.status == "draft":
                self.counts.drafts += 1
                continue
            versions.append(
                ApplicationVersion(
                    application=application,
                    number=1,
                    data=application.data,
                    ruleset_version_id=application.round.version_id,
                    submitted_at=application.submitted_at,
                    submitted_by=application.applicant,
                )
            )
            ruleset = self.rulesets[application.round_id]
            passed = {code for code, _when in placement.trail[:-1]}
            kinds = {ruleset.stage(code).kind for code in passed}
            if kinds & UNIT_SIDE:
                day = placement.trail[0][1].date()
                nominations.append(
                    Nomination(
                        application=application,
                        discussed_on=day,
                        discussion_note="经单位集体讨论，同意推荐。",
                        publicity_starts_on=day,
                        publicity_ends_on=day + timedelta(days=7),
                    )
                )
        ApplicationVersion.objects.bulk_create(versions, batch_size=1000)
        Nomination.objects.bulk_create(nominations, batch_size=2000)
        self.apps, self.placements = apps, placements
        self.counts.applications = len(apps)
        from applications.models import ApplicationEvent

        self.counts.events = ApplicationEvent.objects.filter(
            application__in=seeded_applications()
        ).count()

    # --- reviews -----------------------------------------------------------------------

    def scores(self):
        from reviews.models import Assignment, Panel, ScoreRow, ScoreSheet
        from reviews.services import sheet_items

        rng = self.rng
        panels: dict[tuple[int, str], Panel] = {}
        work = []  # (application, panel key, submitted?)
        for application, placement in zip(self.apps, self.placements, strict=True):
            ruleset = self.rulesets[application.round_id]
            for number, (code, when) in enumerate(placement.trail):
                if ruleset.stage(code).kind not in EXPERT_KINDS:
                    continue
                key = (application.round_id, code)
                if key not in panels:
                    panels[key] = Panel(
                        round=application.round,
                        stage=code,
                        created_by=self.offices[self.authority_of[application.round_id]],
                    )
                here = number == len(placement.trail) - 1 and application.status == "in_review"
                work.append((application, key, when, here))
                break  # one expert stage per application
        Panel.objects.bulk_create(panels.values())
        # Those past the expert stage have every sheet (the gate let them on); those still at
        # it have as many of theirs as bring the whole to SHEETS_PER_APPLICATION.
        past = sum(EXPERTS_PER_APPLICATION for *_w, here in work if not here)
        waiting = sum(EXPERTS_PER_APPLICATION for *_w, here in work if here)
        share = min(1.0, max(0.0, (SHEETS_PER_APPLICATION * self.n - past) / max(waiting, 1)))
        assignments, sheets = [], []
        for application, key, when, here in work:
            authority = self.authority_of[application.round_id]
            pool = self.experts[authority]
            for expert in rng.sample(pool, EXPERTS_PER_APPLICATION):
                assignment = Assignment(
                    panel=panels[key],
                    application=application,
                    expert=expert,
                    method=Assignment.Method.DRAW,
                    assigned_by=self.offices[authority],
                )
                assignments.append(assignment)
                if not here or rng.random() < share:
                    sheets.append((assignment, application, when))
        Assignment.objects.bulk_create(assignments, batch_size=2000)
        made, rows = [], []
        items = {}
        for assignment, application, when in sheets:
            ruleset = self.rulesets[application.round_id]
            if application.round_id not in items:
                items[application.round_id] = sheet_items(ruleset)
            points = [
                (item.code, Decimal(str(round(float(item.max_points) * rng.uniform(0.55, 1.0), 1))))
                for item in items[application.round_id]
            ]
            sheet = ScoreSheet(
                assignment=assignment,
                opinion="材料齐全，业绩突出。",
                total=sum((p for _c, p in points), Decimal("0")),
                submitted_at=when + timedelta(days=rng.randrange(1, 5)),
            )
            made.append(sheet)
            rows.extend(ScoreRow(sheet=sheet, item=c, points=p) for c, p in points)
        ScoreSheet.objects.bulk_create(made, batch_size=2000)
        ScoreRow.objects.bulk_create(rows, batch_size=5000)
        self.counts.score_sheets = len(made)

    # --- awards and the ledger ---------------------------------------------------------

    def awards(self):
        from reviews.models import Naming
        from subsidies import schedules
        from subsidies.models import Assessment, Award, AwardEvent

        named = [a for a in self.apps if a.status == "named"]
        namings: dict[int, Naming] = {}
        awards = []
        for number, application in enumerate(named, start=1):
            round_ = application.round
            ruleset = self.rulesets[round_.pk]
            named_on = _named_on(round_, self.today)
            office = self.offices[self.authority_of[round_.pk]]
            if round_.pk not in namings:
                namings[round_.pk] = Naming(
                    round=round_,
                    document_number=f"{MARK}〔{round_.year}〕{len(namings) + 1}号",
                    named_on=named_on,
                    named_by=office,
                )
            start, end = schedules.term(ruleset.benefits, named_on)
            person = application.applicant if ruleset.identity.applicant_kind == "person" else None
            leader = (application.data.get("leader") or {}) if person is None else {}
            awards.append(
                Award(
                    application=application,
                    name=person.real_name if person else application.unit.name,
                    ruleset_version_id=round_.version_id,
                    district=ruleset.identity.district,
                    person=person,
                    unit=application.unit,
                    document_number=namings[round_.pk].document_number,
                    named_on=named_on,
                    term_start=start,
                    term_end=end,
                    person_name=person.real_name if person else leader.get("name", ""),
                    person_id_number=(person.id_number if person else leader.get("id_number", ""))
                    or "",
                    person_bank=f"{MARK}银行松江支行" if person or leader else "",
                    person_account=f"62220000{number:011d}" if person or leader else "",
                    unit_bank=f"{MARK}银行" if application.unit_id else "",
                    unit_account=f"3100{number:012d}" if application.unit_id else "",
                )
            )
        Naming.objects.bulk_create(namings.values())
        through = Naming.applications.through
        through.objects.bulk_create(
            through(naming_id=namings[a.round_id].pk, application_id=a.pk) for a in named
        )
        Award.objects.bulk_create(awards, batch_size=2000)
        events, assessments = [], []
        for award in awards:
            office = self.offices[self.authority_of[award.application.round_id]]
            events.append(
                AwardEvent(
                    award=award,
                    date=award.named_on,
                    kind=AwardEvent.Kind.NAMED,
                    fields={"document_number": award.document_number},
                    recorded_by=office,
                )
            )
            ruleset = self.rulesets[award.application.round_id]
            listed = schedules.assessment_schedule(
                ruleset.benefits,
                ruleset.assessments,
                [schedules.AwardEvent(date=award.named_on, kind="named")],
                adjustments=ruleset.adjustments,
            )
            assessments.extend(
                Assessment(
                    award=award,
                    code=due.code,
                    due_on=due.due,
                    kind=due.kind,
                    organiser=due.organiser,
                    result=due.result or "",
                    decided_on=due.decided_on,
                    active=True,
                )
                for due in listed
            )
        AwardEvent.objects.bulk_create(events, batch_size=2000)
        Assessment.objects.bulk_create(assessments, batch_size=2000)
        self.awards_made = awards
        self.counts.awards = len(awards)

    def ledger(self):
        """The monthly runs from the first naming to this month and the annual runs, as beat
        makes them; each month's batches paid before the next run, this month's left draft."""
        from subsidies import services
        from subsidies.models import Payment, PaymentBatch

        if not self.awards_made:
            return
        first = min(a.named_on for a in self.awards_made)
        office = self.offices["songjiang-hrss"]
        month = first.replace(day=1)
        this_month = self.today.replace(day=1)
        while month <= this_month:
            if month.month == 1 and month.year > first.year:
                services.run_annual(year=month.year, by=office)
            services.run_payments(period=f"{month:%Y-%m}", by=office)
            if month < this_month:
                paid = timezone.make_aware(datetime.combine(month + timedelta(days=20), time(10)))
                PaymentBatch.objects.filter(
                    period=f"{month:%Y-%m}", status=PaymentBatch.Status.DRAFT
                ).update(
                    status=PaymentBatch.Status.PAID,
                    approved_at=paid,
                    paid_at=paid,
                )
            month = (month + timedelta(days=32)).replace(day=1)
        self.counts.payments = Payment.objects.filter(award__in=self.awards_made).count()


def seed(*, applications: int, seed: int = 1, today: date | None = None, log=print) -> Counts:
    """Build the data set (see the module's docstring) in one transaction; its counts."""
    from django.core.management import call_command

    from programmes.models import Programme

    if applications < 1:
        raise SeedError("申报数应为正整数")
    if seeded_applications().exists():
        raise SeedError(
            f"数据库中已有压测数据（{seeded_applications().count()} 条申报）；办理记录只增不删，"
            "请在一个新的数据库上运行"
        )
    today = today or timezone.localdate()
    call_command("load_regions", verbosity=0, stdout=_Null())
    if Programme.objects.count() < len(SHARES):
        call_command("load_programmes", verbosity=0, stdout=_Null(), stderr=_Null())
    builder = _Builder(applications, seed, today, log)
    with transaction.atomic():
        for step in (
            "organisations",
            "staff",
            "rounds",
            "applications",
            "scores",
            "awards",
            "ledger",
        ):
            log(f"{step} …")
            getattr(builder, step)()
    return builder.counts


class _Null:
    def write(self, *_args):
        pass

    def flush(self):
        pass
