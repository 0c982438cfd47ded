"""The portal's records: in-app messages (站内消息), the transactional outbox of Celery tasks,
and the security audit log. Models of the `portal` app (portal.models imports them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """An in-app message (站内消息): every notice a user is sent, read or not.

    Written in the transaction of the change it reports (portal.notifications.notify), so a
    rolled-back change leaves no message; mail and SMS follow after commit.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    sent_by_mail = models.BooleanField(_("已发邮件"), default=False)
    sent_by_sms = models.BooleanField(_("已发短信"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return self.subject


class OutboxMessage(models.Model):
    """A Celery task recorded in the same transaction as the change that needs it (the
    transactional outbox, portal/outbox.py): sent after commit, or later by the relay when the
    broker was down, so a committed change never loses its task and a rolled-back one never
    sends one."""

    task = models.CharField(_("任务"), max_length=100)
    args = models.JSONField(_("参数"), default=list)
    kwargs = models.JSONField(_("关键字参数"), default=dict)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        indexes = [
            models.Index(fields=["id"], name="outbox_pending", condition=Q(sent_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class AuditLog(models.Model):
    """The security log (MLPS 2.0 8.1.4.3 安全审计): sign-ins and failures, refusals, views of
    full ID and bank-account numbers, exports, decisions, admin changes. Append-only in the
    database (a PostgreSQL trigger refuses UPDATE, and DELETE of rows younger than 184 days).

    No personal data in a row: the account by its id and user name, the object by its type and
    id, the address; never an ID number, phone, account number or a typed identifier.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("登录")
        SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
        SIGN_OUT = "sign_out", _("退出")
        REFUSED = "refused", _("拒绝访问")
        VIEW_FULL_ID = "view_full_id", _("查看完整身份证号")
        VIEW_BANK_ACCOUNT = "view_bank_account", _("查看银行账号")
        EXPORT = "export", _("导出/下载")
        DECISION = "decision", _("办理/决定")
        ADMIN_CHANGE = "admin_change", _("后台修改")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("用户ID"), null=True, blank=True, db_index=True)
    actor = models.CharField(_("用户名"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    action = models.CharField(_("事件"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    result = models.CharField(_("结果"), max_length=32, default="ok")
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor or '-'} {self.action}"
