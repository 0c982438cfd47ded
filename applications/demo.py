"""Demo declarations (`manage.py load_demo`): work waiting for each role, idempotent.

- 李明 (li_ming): a submitted Songjiang chief-technician application waiting for his unit's
  collective discussion (王芳, wang_hr), and a Shizhong draft he is still filling in.
- Two colleagues of his unit waiting at the street (赵强, zhao_street, 车墩镇): 张伟 nominated by
  the unit after discussion and a week's publicity, 刘洋 self-nominated after the discussion.
- 顾敏 (gu_base): the training centre's training-base declaration, a draft.
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
from portal.models import Role, Unit, User
from portal.roles import grant
from programmes.models import Round

# A one-page PDF standing in for a scanned certificate.
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Their own ID numbers (Songjiang-issued), so their forms name them and not 李明.
COLLEAGUES = [
    ("demo_zhang", "张伟", "13800000011", "unit", "310117198203151012"),
    ("demo_liu", "刘洋", "13800000012", "self", "310117198507221032"),
]


def _round(code: str) -> Round | None:
    return (
        Round.objects.filter(version__programme__code=code, status="open")
        .order_by("-opens_on")
        .first()
    )


def _draft(round, user, channel, unit) -> Application | None:
    existing = Application.objects.filter(round=round, applicant=user).first()
    if existing:
        return None
    application = services.start_application(round=round, by=user, channel=channel, unit=unit)
    ruleset = round.version.ruleset
    # The account's own name, ID number and contact (a person's form names its holder).
    data = prefilled(
        ruleset,
        demo_form_data(ruleset, on=timezone.localdate()),
        services.known_of(application),
        overwrite=True,
    )
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


def _submit(application, user) -> None:
    _attach_all(application, user)
    for check in services.precheck(application):
        if check.result == "warn":
            application.warn_reasons[check.code] = "演示：情况说明"
    application.save(update_fields=["warn_reasons"])
    services.submit_application(application=application, by=user)


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
        _submit(application, li_ming)
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
        _submit(application, user)
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
    stdout.write(f"申报：演示申报 {created} 份（已有的保留不变）")
