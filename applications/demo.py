"""Demo declarations (`manage.py load_demo`): work waiting for each role, idempotent.

- 李明 (li_ming): a submitted Songjiang chief-technician application waiting for his unit's
  collective discussion (王芳, wang_hr), and a Shizhong draft he is still filling in.
- Two colleagues of his unit waiting at the street (赵强, zhao_street, 车墩镇): 张伟 nominated by
  the unit after discussion and a week's publicity, 刘洋 self-nominated after the discussion.
- 顾敏 (gu_base): the training centre's training-base declaration, a draft.

The other authorities' rounds are past (their texts expired or governed one year: see
open_demo_rounds), so their demo declarations are made and submitted on a day inside the round:
- 青浦 (2025 round): the manufacturing company's project, at the street (沈浩, qingpu_street).
- 市中 (2025 round): 孔凡新, a freelancer without a unit, gone to his residence street
  (光明路街道, 田卫东, shizhong_street; 第八条).
- 上海工匠 (2024 round): 马俊's self-nomination at the city union's qualification review
  (杨帆, union_city).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from applications import services
from applications.declaration import as_post, prefilled
from applications.demo_data import demo_form_data
from applications.models import Application, Attachment
from portal.demo import DEMO_PASSWORD
from portal.models import Region, Role, Unit, User
from portal.roles import grant
from programmes.models import Round

# A one-page PDF standing in for a scanned certificate.
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Their own ID numbers (Songjiang-issued), so their forms name them and not 李明.
COLLEAGUES = [
    ("demo_zhang", "张伟", "13800000011", "unit", "310117198203151012"),
    ("demo_liu", "刘洋", "13800000012", "self", "310117198507221032"),
]


def _round(code: str, status: str = "open") -> Round | None:
    return (
        Round.objects.filter(version__programme__code=code, status=status)
        .order_by("-opens_on")
        .first()
    )


def _draft(round, user, channel, unit, *, on=None, street=None, person=None) -> Application | None:
    existing = Application.objects.filter(round=round, applicant=user).first()
    if existing:
        return None
    on = on or timezone.localdate()
    application = services.start_application(
        round=round, by=user, channel=channel, unit=unit, street=street, today=on
    )
    ruleset = round.version.ruleset
    # The account's own name, ID number and contact (a person's form names its holder).
    data = prefilled(
        ruleset, demo_form_data(ruleset, on=on), services.known_of(application), overwrite=True
    )
    if person:  # what differs from the demo declaration (a freelancer has no employer)
        data.setdefault("person", {}).update(person)
    application, _ = services.save_draft(
        application=application, post=as_post(ruleset, data), by=user
    )
    return application


def _attach_all(application, user) -> None:
    for item in application.round.version.ruleset.form.checklist:
        if item.required:
            attachment = Attachment(
                application=application,
                item=item.code,
                original_name=f"{item.title[:40]}.pdf",
                content_type="application/pdf",
                size=len(SCAN),
                sha256="",
                uploaded_by=user,
            )
            attachment.file.save("demo.pdf", ContentFile(SCAN), save=False)
            attachment.save()


def submit_demo(application, user, *, on=None, explained: str = "演示：情况说明") -> None:
    """Submit a demo draft as `user`: every checklist item attached, each warning of the
    precheck `explained`; the gate's refusal raised with its errors."""
    _attach_all(application, user)
    for check in services.precheck(application, on=on):
        if check.result == "warn":
            application.warn_reasons[check.code] = explained
    application.save(update_fields=["warn_reasons"])
    try:
        services.submit_application(application=application, by=user, on=on)
    except services.ApplicationError as exc:
        raise services.ApplicationError(f"{exc}：{exc.errors}") from exc


def _person(username: str, name: str, phone: str, role=Role.APPLICANT, **scope) -> User:
    user, new = User.objects.get_or_create(
        username=username, defaults={"real_name": name, "phone": phone}
    )
    if new:
        user.set_password(DEMO_PASSWORD)
        user.save()
    grant(user, role, **scope)
    return user


def _in_past_round(code: str, user, channel: str, unit, *, street=None, person=None) -> int:
    """Make and submit `user`'s application in the programme's past round, on a day inside it."""
    round_ = _round(code, status=Round.Status.REVIEW)
    if round_ is None:
        return 0
    on = min(round_.opens_on + timedelta(days=7), round_.closes_on)
    if Application.objects.filter(round=round_, applicant=user).exists():
        return 0
    # Replayed as it happened: the round was open for applications on `on`.
    round_.status = Round.Status.OPEN
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.OPEN)
    try:
        application = _draft(round_, user, channel, unit, on=on, street=street, person=person)
        submit_demo(application, user, on=on)
    finally:
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.REVIEW)
    return 1


def load_other_authorities(stdout) -> int:
    """Work waiting for the staff of 青浦, 市中 and the city union (see the module's docstring)."""
    made = 0
    qingpu_unit = Unit.objects.filter(name="上海青浦智能制造股份有限公司").first()
    if qingpu_unit:
        org = _person("demo_qingpu", "徐志强", "13800000021", Role.APPLICANT_ORG, unit=qingpu_unit)
        made += _in_past_round("qingpu-chief-technician-subsidy", org, "unit", qingpu_unit)
    street = Region.objects.filter(code="shizhong-guangminglu").first()
    if street:
        freelancer = _person("demo_kong", "孔凡新", "13800000022")
        made += _in_past_round(
            "shizhong-chief-technician",
            freelancer,
            "self",
            None,
            street=street,
            person={
                "name": "孔凡新",
                "employment": "freelance",
                "employer": "",
                "employer_district": "",
            },
        )
    machinery = Unit.objects.filter(name="上海松江精密机械有限公司").first()
    craftsman = _person("demo_ma", "马俊", "13800000023")
    made += _in_past_round("shanghai-craftsman", craftsman, "self", machinery)
    return made


@transaction.atomic
def load_demo_applications(stdout) -> None:
    machinery = Unit.objects.filter(name="上海松江精密机械有限公司").first()
    training = Unit.objects.filter(name__contains="高技能人才培训中心").first()
    li_ming = User.objects.filter(username="li_ming").first()
    hr = User.objects.filter(username="wang_hr").first()
    songjiang = _round("songjiang-chief-technician")
    if not (machinery and li_ming and hr and songjiang):
        return
    created = 0
    application = _draft(songjiang, li_ming, "unit", machinery)
    if application:
        submit_demo(application, li_ming)
        created += 1
    today = timezone.localdate()
    for username, name, phone, channel, id_number in COLLEAGUES:
        user, new = User.objects.get_or_create(
            username=username, defaults={"real_name": name, "phone": phone, "id_number": id_number}
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save()
            grant(user, Role.APPLICANT)
        application = _draft(songjiang, user, channel, machinery)
        if not application:
            continue
        submit_demo(application, user)
        services.record_discussion(
            application=application,
            by=hr,
            discussed_on=today - timedelta(days=12),
            note="单位领导班子集体讨论，一致同意推荐",
            outcome="pass",
        )
        if channel == "unit":  # a self-nominee has no publicity inside the unit (四(二))
            services.record_internal_publicity(
                application=application,
                by=hr,
                starts_on=today - timedelta(days=10),
                ends_on=today - timedelta(days=3),
                objections="无",
                outcome="pass",
            )
        created += 1
    shizhong = _round("shizhong-chief-technician")
    if shizhong and _draft(shizhong, li_ming, "unit", machinery):
        created += 1
    base = _round("songjiang-training-base")
    gu = User.objects.filter(username="gu_base").first()
    if base and gu and training and _draft(base, gu, "unit", training):
        created += 1
    created += load_other_authorities(stdout)
    stdout.write(f"申报：演示申报 {created} 份（已有的保留不变）")
