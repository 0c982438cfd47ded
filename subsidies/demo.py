"""Demo awards of four programmes with their facts and ledger (idempotent).

There are no named demo declarations, so the awards are made as imported ones
(application=None), each with the facts a real one would have had recorded.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from portal.models import Unit, User
from programmes.models import ProgrammeVersion
from subsidies import services
from subsidies.models import Award

# programme, document number, named on, person, unit credit-code key, banks, facts
DEMO_AWARDS = [
    (
        "songjiang-chief-technician",
        "沪松人社〔2024〕88号（演示）",
        date(2024, 12, 2),
        "li_ming",
        "上海松江精密机械有限公司",
        [("studio", date(2025, 3, 10), {"level": "city"})],
    ),
    (
        "qingpu-chief-technician-subsidy",
        "青人社〔2023〕36号（演示）",
        date(2023, 6, 15),
        "li_ming",
        "上海青浦智能制造股份有限公司",
        [
            ("assess", date(2023, 12, 20), {"code": "annual", "result": "pass"}),
            ("assess", date(2024, 12, 20), {"code": "annual", "result": "pass"}),
        ],
    ),
    (
        "songjiang-training-base",
        "沪松人社〔2023〕15号（演示）",
        date(2023, 3, 1),
        None,
        "上海松江高技能人才培训中心有限公司",
        [("assess", date(2024, 9, 20), {"code": "mid_term", "result": "pass"})],
    ),
    (
        "shizhong-chief-technician",
        "市中政办字〔2022〕5号（演示）",
        date(2022, 12, 20),
        "li_ming",
        "枣庄市市中区精工机械有限公司",
        [],
    ),
    (
        "shanghai-craftsman",
        "沪工总〔2024〕120号（演示）",
        date(2024, 12, 20),
        "li_ming",
        "上海松江精密机械有限公司",
        [],
    ),
]

# The office that names and records each programme's facts (its authority's organiser).
OFFICES = {
    "songjiang-chief-technician": "chen_office",
    "songjiang-training-base": "chen_office",
    "qingpu-chief-technician-subsidy": "qingpu_office",
    "shizhong-chief-technician": "shizhong_office",
    "shanghai-craftsman": "union_city",
}


BANKS = {
    "qingpu-chief-technician-subsidy": "中国银行青浦支行",
    "shizhong-chief-technician": "中国工商银行枣庄市中支行",
}


def load_demo_awards(stdout) -> None:
    made = 0
    for code, number, named_on, username, unit_name, facts in DEMO_AWARDS:
        office = User.objects.filter(username=OFFICES[code]).first()
        version = ProgrammeVersion.objects.filter(programme__code=code).order_by("-number").first()
        if office is None or version is None:
            continue
        if Award.objects.filter(document_number=number).exists():
            continue
        person = User.objects.filter(username=username).first() if username else None
        if username and person is None:
            continue  # the person is made by the declarations' demo
        unit = Unit.objects.filter(name=unit_name).first()
        award = services.name_award(
            version=version,
            name=person.display_name if person else (unit.name if unit else number),
            person=person,
            unit=unit,
            document_number=number,
            named_on=named_on,
            by=office,
            banks={
                "person_bank": BANKS.get(code, "中国银行松江支行") if person else "",
                "person_account": "6217850000012345678" if person else "",
                "unit_bank": "中国工商银行上海分行" if unit else "",
                "unit_account": "1001202309000123456" if unit else "",
            },
        )
        for kind, when, fields in facts:
            if kind == "studio":
                services.record_studio(award=award, by=office, on=when, **fields)
            else:
                services.record_assessment(award=award, by=office, on=when, **fields)
        made += 1
    today = timezone.localdate()
    # The runs beat would make (every authority); each authority's finance approves its batch.
    created, _ = services.run_payments(period=today.strftime("%Y-%m"), by=None)
    annual, _ = services.run_annual(year=today.year, by=None)
    stdout.write(f"待遇：演示命名 {made} 项，发放台账新增 {created + annual} 笔")
