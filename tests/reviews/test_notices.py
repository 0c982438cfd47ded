"""Notices to everyone (issue 17, 2): in-app messages for every role, mail where there is an
address, SMS through the configured backend where there is only a phone."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from portal.models import Message, Role, User
from portal.notifications import channels_for, notify
from portal.roles import grant
from reviews import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_only(db):
    user = User.objects.create(username="13912340001", real_name="沈建国", phone="13912340001")
    grant(user, Role.APPLICANT)
    return user


def sms_lines(capsys) -> list[str]:
    """The console backend's output: one line per text message."""
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("SMS to ")]


def test_channels_mail_where_there_is_an_address_sms_where_only_a_phone(phone_only, persona):
    li_ming = persona("li_ming")
    to = channels_for([phone_only, li_ming, "someone@example.cn", ""])
    assert to.users == sorted([phone_only, li_ming], key=lambda u: u.pk)
    assert to.mail == ["li_ming@example.cn", "someone@example.cn"]
    assert to.sms == [phone_only.pk]  # the account, never the number, goes to the outbox


def test_an_address_of_an_account_gets_the_in_app_message_too(persona):
    notify(recipients=["li_ming@example.cn"], subject="测试通知", body="正文")
    assert Message.objects.get(recipient=persona("li_ming")).subject == "测试通知"


def test_sms_only_after_commit_and_none_for_a_rolled_back_change(
    phone_only, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[phone_only], subject="申报已提交", body="您的申报已提交。")
    assert sms_lines(capsys) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (line,) = sms_lines(capsys)
    assert line.startswith(
        "SMS to 13912340001 [notice]: 【人才项目申报平台】申报已提交。您的申报已提交。"
    )


def test_the_sms_backend_is_the_class_the_setting_names(phone_only, settings):
    from portal import sms

    settings.SMS_BACKEND = "portal.sms.MemorySmsBackend"
    sms.outbox.clear()
    from portal.tasks import send_text_message

    send_text_message(
        phone_only.pk, "passed", {"round": "2026年度松江区首席技师", "stage": "街镇初审"}
    )
    (message,) = sms.outbox
    assert (
        message.text
        == "【人才项目申报平台】您的申报“2026年度松江区首席技师”已通过“街镇初审”，进入下一环节。"
    )


def test_a_template_never_shows_a_placeholder():
    from portal.sms import TEMPLATES, SmsMessage

    message = SmsMessage(to="1", template="returned", params={"subject": "退回", "body": "请补充"})
    assert "{" not in message.text and "请补充" in message.text
    assert all("{" in text for text in TEMPLATES.values())


def test_phone_only_applicant_hears_of_a_return_a_pass_and_the_naming(
    make_round, make_application, phone_only, persona, capsys, django_capture_on_commit_callbacks
):
    round_ = make_round("songjiang-chief-technician")
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(round_, applicant=phone_only, stage="street_review")
    street = persona("zhao_street")
    capsys.readouterr()

    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            application=application,
            stage="street_review",
            outcome="return",
            by=street,
            field_reasons={"person.id_number": "身份证复印件不清晰"},
        )
    returned = Message.objects.filter(recipient=phone_only).first()
    assert "退回修改" in returned.subject and "身份证复印件不清晰" in returned.body
    assert returned.link == reverse("applications:detail", args=[application.pk])
    assert returned.sent_by_sms and not returned.sent_by_mail
    (line,) = sms_lines(capsys)
    assert line.startswith("SMS to 13912340001 [returned]:")
    assert "已被退回修改：二、申报人员基本信息·身份证号：身份证复印件不清晰。请登录" in line

    with django_capture_on_commit_callbacks(execute=True):
        services.resume_after_revision(application=application, by=phone_only)
        services.decide(application=application, stage="street_review", outcome="pass", by=street)
    passed = Message.objects.filter(recipient=phone_only).first()
    assert "通过" in passed.subject
    (line,) = sms_lines(capsys)
    assert "[passed]" in line and "已通过“" in line

    application.refresh_from_db()
    # Moved to the naming stage by hand (this test is about the notices, not the path): the
    # gate names only an application approved at the naming stage whose earlier stages all
    # passed, so their passes are recorded as the later stages would have recorded them.
    from applications.models import ApplicationEvent
    from reviews import workflow
    from reviews.permissions import route_of

    ruleset = application.round.version.ruleset
    path = workflow.path(ruleset.workflow, route_of(application))
    naming = next(s for s in path if s.kind == "naming")
    passed = set(application.events.filter(action="passed").values_list("from_stage", flat=True))
    for stage in path:
        if stage.kind not in ("nomination", "naming") and stage.code not in passed:
            ApplicationEvent.objects.create(
                application=application,
                actor=persona("chen_office"),
                action="passed",
                from_stage=stage.code,
                to_stage=stage.code,
            )
    application.stage = naming.code
    application.status = application.Status.APPROVED
    application.save(update_fields=["stage", "status"])
    with django_capture_on_commit_callbacks(execute=True):
        services.name_candidates(
            round=round_,
            document_number="沪松人社〔2026〕88号",
            named_on=date(2026, 6, 1),
            by=persona("chen_office"),
        )
    named = Message.objects.filter(recipient=phone_only).first()
    assert named.subject.startswith("命名通知")
    lines = [line for line in sms_lines(capsys) if "13912340001" in line]
    assert len(lines) == 1 and "[named]" in lines[0] and "沪松人社〔2026〕88号" in lines[0]
    assert Message.objects.filter(recipient=phone_only).count() == 3


def test_staff_get_in_app_messages_for_their_work(make_round, make_application, persona):
    round_ = make_round("songjiang-chief-technician")
    application = make_application(round_)  # first at the unit's collective discussion
    task = Message.objects.get(recipient=persona("wang_hr"))
    assert "待您处理" in task.subject
    assert task.link == reverse("reviews:detail", args=[application.pk])
    at_street = make_application(round_, stage="street_review")
    services.decide(
        application=at_street, stage="street_review", outcome="pass", by=persona("zhao_street")
    )
    assert Message.objects.filter(recipient=persona("chen_office"), subject__contains="待您处理")
    # nobody outside the application's path or authority is told
    assert not Message.objects.filter(recipient=persona("qian_dept")).exists()
    assert not Message.objects.filter(recipient=persona("expert_a")).exists()


def test_unread_count_on_every_page_and_messages_are_private(client, login_as, persona, phone_only):
    notify(recipients=[phone_only], subject="第一条", body="甲", link="/applications/")
    notify(recipients=[phone_only], subject="第二条", body="乙")
    mine = Message.objects.filter(recipient=phone_only)
    client.force_login(phone_only, backend="portal.auth_backends.PhoneOrEmailBackend")
    page = client.get(reverse("workbench")).content.decode()
    assert 'id="unread-count">2<' in page
    listing = client.get(reverse("messages")).content.decode()
    assert "第一条" in listing and "第二条" in listing
    first = mine.get(subject="第一条")
    response = client.get(reverse("message_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/applications/"
    assert 'id="unread-count">1<' in client.get(reverse("workbench")).content.decode()
    client.post(reverse("messages_read_all"))
    assert not mine.filter(read_at__isnull=True).exists()
    # another account: its own list only, someone else's message is not found
    for username in ("li_ming", "zhao_street", "chen_office"):
        login_as(username)
        assert "第一条" not in client.get(reverse("messages")).content.decode()
        assert client.get(reverse("message_open", args=[first.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("messages")).status_code == 302  # to the sign-in page


def test_the_outbox_keeps_the_account_not_its_phone(phone_only, django_capture_on_commit_callbacks):
    from portal.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=False):
        notify(recipients=[phone_only], subject="申报已提交", body="您的申报已提交。")
    (row,) = OutboxMessage.objects.filter(task="portal.send_text_message")
    assert row.args[0] == phone_only.pk
    assert "13912340001" not in str(row.args) + str(row.kwargs)
