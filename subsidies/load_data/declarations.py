"""The rounds and the applications of the data set, placed by the gate (gate.bulk_place)."""

from __future__ import annotations

import copy
from datetime import timedelta

from applications.demo_data import demo_form_data
from applications.gate import Placement, _route, bulk_place
from applications.models import Application, ApplicationEvent, ApplicationVersion, Nomination
from portal.models import Role, RoleAssignment, User
from programmes.models import Programme, Round
from programmes.paths import path
from subsidies.load_data.plan import (
    AREA,
    FINISHED_SHARE,
    MARK,
    NAMED_SHARE,
    PREFIX,
    SHARES,
    UNIT_SIDE,
    SeedError,
    _aware,
    _early,
    _id_number,
    _named_on,
    _rounds_of,
    seeded_applications,
)


class Declarations:
    def rounds(self):

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

        self.counts.events = ApplicationEvent.objects.filter(
            application__in=seeded_applications()
        ).count()

    # --- reviews -----------------------------------------------------------------------
