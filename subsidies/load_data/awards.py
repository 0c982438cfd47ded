"""The namings, awards, assessments and ledger of the data set."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from reviews.models import Naming
from subsidies import schedules, services
from subsidies.load_data.plan import MARK, _named_on
from subsidies.models import Assessment, Award, AwardEvent, Payment, PaymentBatch


class Awards:
    def awards(self):

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
