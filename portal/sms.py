"""Text messages (短信) through a pluggable backend, as Django sends mail.

`SMS_BACKEND` names the class (dotted path). The console backend (development) writes each
message to standard output; the file backend writes one file per message (the real Celery worker
in the tests); the memory backend keeps them in `portal.sms.outbox`. A provider's gateway is a
subclass of `BaseSmsBackend` whose `send_messages` calls the provider's API with the template's
code and parameters (providers in China accept only texts registered as templates beforehand).
"""

from __future__ import annotations

import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

# The texts, in Chinese, each registered with the provider under its code.
TEMPLATES: dict[str, str] = {
    "returned": "您的申报“{round}”已被退回修改：{reason}请登录平台按退回意见修改后重新提交。",
    "passed": "您的申报“{round}”已通过“{stage}”，进入下一环节。",
    "rejected": "您的申报“{round}”在“{stage}”未通过：{reason}详情请登录平台查看。",
    "named": "您已被命名为{programme}，命名文号{number}。详情请登录平台查看。",
    "notice": "{subject}。{body}请登录平台查看。",
}


@dataclass(frozen=True)
class SmsMessage:
    """One text to one phone: the template's code, its parameters and the text they make."""

    to: str
    template: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        signature = getattr(settings, "SMS_SIGNATURE", "人才项目申报平台")
        try:
            text = TEMPLATES[self.template].format(**self.params)
        except KeyError:  # a template not known or not filled: the general notice, never "{x}"
            text = TEMPLATES["notice"].format(
                subject=self.params.get("subject", ""), body=self.params.get("body", "")
            )
        return f"【{signature}】{text}"


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: each message on standard output (the texts are never sent)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to} [{message.template}]: {message.text}\n")
        sys.stdout.flush()
        return len(messages)


class FileSmsBackend(BaseSmsBackend):
    """One UTF-8 file per message in `SMS_FILE_PATH` (the first line is the phone)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in messages:
            path = folder / f"{uuid.uuid4().hex}.sms"
            path.write_text(f"{message.to}\n{message.template}\n{message.text}\n", "utf-8")
        return len(messages)


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class MemorySmsBackend(BaseSmsBackend):
    """Tests: messages kept in `portal.sms.outbox`."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        with _outbox_lock:
            outbox.extend(messages)
        return len(messages)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(message: SmsMessage) -> int:
    return get_backend().send_messages([message])
