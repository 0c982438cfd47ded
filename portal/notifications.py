"""Every notice the portal sends goes through `notify`: an in-app message (站内消息) for each
recipient with an account, and, after the transaction commits, an e-mail where there is an
address or a text message (短信, portal/sms.py) where there is only a phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.models import Message, User
from portal.outbox import enqueue


@dataclass(frozen=True)
class Channels:
    """Who gets what: in-app for every account, mail where there is an address, else SMS."""

    users: list
    mail: list[str]
    sms: list[str]


def channels_for(recipients: Iterable) -> Channels:
    """Accounts (User) and bare e-mail addresses -> who is told by which channel.

    An address that belongs to an account is that account (so it gets its in-app message too).
    """
    users: dict[int, User] = {}
    addresses: set[str] = set()
    for recipient in recipients:
        if isinstance(recipient, User):
            users[recipient.pk] = recipient
        elif recipient:
            addresses.add(str(recipient).strip().lower())
    if addresses:
        for user in User.objects.filter(email__in=addresses):
            users.setdefault(user.pk, user)
    accounts = sorted(users.values(), key=lambda u: u.pk)
    mail = {u.email for u in accounts if u.email} | (
        addresses - {(u.email or "").lower() for u in accounts}
    )
    sms = sorted({u.phone for u in accounts if not u.email and u.phone})
    return Channels(users=accounts, mail=sorted(mail), sms=sms)


def notify(
    *,
    recipients: Iterable,
    subject: str,
    body: str,
    link: str = "",
    sms_template: str = "notice",
    sms_params: dict[str, str] | None = None,
) -> None:
    """Tell the recipients (accounts or e-mail addresses) of a change.

    The in-app messages are written now, in the caller's transaction; mail and SMS are queued
    once it commits (never for a rolled-back change). `sms_template` names one of
    portal.sms.TEMPLATES (the provider knows the texts by code); `sms_params` fills it, and the
    default "notice" template carries the subject and the body.
    """
    to = channels_for(recipients)
    if not (to.users or to.mail):
        return
    Message.objects.bulk_create(
        Message(
            recipient=user,
            subject=subject[:200],
            body=body,
            link=link,
            sent_by_mail=bool(user.email),
            sent_by_sms=bool(not user.email and user.phone),
        )
        for user in to.users
    )
    # Through the outbox: recorded with the change, sent after commit or once the broker is back.

    params = {"subject": subject, "body": body.strip(), **(sms_params or {})}
    if to.mail:
        enqueue("portal.send_notification", to.mail, subject, body)
    for phone in to.sms:
        enqueue("portal.send_text_message", phone, sms_template, params)


def unread_count(user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def messages_of(user):
    return Message.objects.filter(recipient=user)
