"""`load_demo` counts the texts and mails meant for the console instead of printing each."""

from __future__ import annotations

import pytest
from django.core import mail

from portal import sms
from portal.demo_outbox import CONSOLE_MAIL, CONSOLE_SMS, counted_console_notices

pytestmark = pytest.mark.unit


def test_console_notices_are_counted_not_printed(settings, capsys):
    settings.SMS_BACKEND = CONSOLE_SMS
    settings.EMAIL_BACKEND = CONSOLE_MAIL
    with counted_console_notices() as sent:
        sms.send_sms(
            sms.SmsMessage(
                to="19900000001", template="passed", params={"round": "示例", "stage": "街镇审核"}
            )
        )
        sms.send_sms(
            sms.SmsMessage(
                to="19900000002", template="named", params={"programme": "示例", "number": "1号"}
            )
        )
        mail.send_mail("主题", "正文", "a@example.cn", ["b@example.cn"])
    assert (sent.counted, sent.texts, sent.mails) == (True, 2, 1)
    assert "已发送短信 2 条、邮件 1 封" in sent.summary()
    printed = capsys.readouterr().out
    assert "SMS to" not in printed and "主题" not in printed
    # Afterwards the console backend prints again (the running portal's).
    sms.send_sms(
        sms.SmsMessage(to="19900000003", template="notice", params={"subject": "s", "body": "b"})
    )
    assert "SMS to 19900000003" in capsys.readouterr().out


def test_other_backends_are_left_alone(settings):
    settings.SMS_BACKEND = "portal.sms.MemorySmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = len(sms.outbox)
    with counted_console_notices() as sent:
        sms.send_sms(sms.SmsMessage(to="19900000004", template="notice", params={}))
    assert not sent.counted
    assert len(sms.outbox) == before + 1  # still delivered to the configured backend
