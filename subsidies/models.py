"""Awards, the payment ledger, assessments and adjustments.

The ledger holds one row per award, payment kind and period, enforced by a unique constraint,
so a run repeated, run twice at once, or killed and restarted leaves each due payment exactly
once. Rows are never deleted; money paid and then ordered back is a recovery row of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.declaration import clean_bank_account
from portal.crypto import EncryptedChar
from portal.identity import clean_id_number


class Funding(models.TextChoices):
    TALENT_DEVELOPMENT_FUND = "talent_development_fund", _("区人才发展专项资金")
    LOCAL_EDUCATION_SURCHARGE_FUND = "local_education_surcharge_fund", _("地方教育附加专项资金")
    UNION_FUND = "union_fund", _("工会经费")
    OTHER = "other", _("其他")


class Award(models.Model):
    """A named applicant (or project, or base) with its term."""

    class Title(models.TextChoices):
        HELD = "held", _("保留称号")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("已撤销")
        EXPIRED = "expired", _("期满")

    # Null for awards made before the portal (imported) and for demo awards.
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("申报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )
    name = models.CharField(
        _("获得者名称"),
        max_length=200,
        default="",
        help_text=_("个人姓名、项目名称或基地（单位）名称。"),
    )
    ruleset_version = models.ForeignKey(
        "programmes.ProgrammeVersion", verbose_name=_("规则版本"), on_delete=models.PROTECT
    )
    # The programme's district (rule set identity.district): the office and finance that see it.
    district = models.CharField(_("所属区"), max_length=20, db_index=True, default="")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("获得者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    unit = models.ForeignKey(
        "portal.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    document_number = models.CharField(_("命名文号"), max_length=100)
    named_on = models.DateField(_("命名日期"))
    term_start = models.DateField(_("管理期起"))
    # None for a title that does not expire (上海工匠).
    term_end = models.DateField(_("管理期止"), null=True, blank=True)
    title = models.CharField(
        _("称号状态"), max_length=16, choices=Title.choices, default=Title.HELD
    )
    # The person paid (收款人) as the rule set names them: the applicant, or for a project the
    # leader named in the declaration (青人社〔2020〕54号 五(一)2), never an organisation's login.
    person_name = models.CharField(_("收款人姓名"), max_length=60, blank=True, default="")
    # The payee's ID number and the accounts are encrypted at rest (portal/crypto.py); nothing
    # looks an award up by them.
    person_id_number = EncryptedChar(_("收款人身份证号"), max_length=18, blank=True, default="")
    person_bank = models.CharField(_("个人开户银行"), max_length=100, blank=True)
    person_account = EncryptedChar(_("个人账号"), max_length=40, blank=True)
    unit_bank = models.CharField(_("单位开户银行"), max_length=100, blank=True)
    unit_account = EncryptedChar(_("单位账号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("命名与待遇")
        verbose_name_plural = _("命名与待遇")
        ordering = ["-named_on"]
        indexes = [models.Index(fields=["title", "term_start", "term_end"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.document_number}）"

    def clean(self):
        """The payee's ID number and accounts as typed in the admin: checked, errors by field."""
        # Checks owned by the lower layers (portal's ID numbers, the declaration's accounts).
        errors = {}
        if self.person_id_number:
            try:
                self.person_id_number = clean_id_number(self.person_id_number)
            except (ValueError, ValidationError) as exc:
                errors["person_id_number"] = str(getattr(exc, "message", exc))
        for name in ("person_account", "unit_account"):
            value = getattr(self, name)
            if value:
                try:
                    setattr(self, name, clean_bank_account(value))
                except ValueError as exc:
                    errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)


class AwardEvent(models.Model):
    """What happened to an award after naming: the facts the schedule functions read."""

    class Kind(models.TextChoices):
        NAMED = "named", _("命名")
        ASSESSMENT = "assessment", _("考核结果")
        STUDIO_ESTABLISHED = "studio_established", _("设立首席技师工作室")
        OTHER_BENEFIT = "other_benefit", _("享受其他同类待遇")
        OTHER_TITLE = "other_title", _("获得其他称号")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("撤销")
        LEFT_POST = "left_post", _("离开技能岗位或调离本区")
        RECOVERY = "recovery", _("追回款项")

    award = models.ForeignKey(
        Award, verbose_name=_("待遇"), on_delete=models.PROTECT, related_name="events"
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("事项"), max_length=32, choices=Kind.choices)
    fields = models.JSONField(_("内容"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待遇事项")
        verbose_name_plural = _("待遇事项")
        ordering = ["award", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class PaymentBatch(models.Model):
    """The month's (or year's) payments: drafted by the run, approved by finance, exported, paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        APPROVED = "approved", _("已审核")
        PAID = "paid", _("已发放")

    # The authority that pays (that of the awards' programme); its finance approves the batch.
    authority = models.ForeignKey(
        "portal.Authority",
        verbose_name=_("付款机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_batches",
    )
    period = models.CharField(_("期间"), max_length=16)
    funding = models.CharField(_("资金来源"), max_length=40, choices=Funding.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制单人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "period", "funding"],
                name="one_batch_per_authority_period_and_fund",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        who = f"{self.authority} " if self.authority_id else ""
        return f"{who}{self.period} {self.get_funding_display()}"


class Payment(models.Model):
    """One ledger row. Unique per award, kind, period and seq: nothing is ever paid twice.

    A positive row is money paid (or to be paid) to the payee; a negative row (`recovers` set,
    kind `recovery:<kind>`) is a recovery claim (追回) of money paid that the facts no longer
    make due (origin `reconcile`) or that the office ordered back (origin `order`).
    """

    class Origin(models.TextChoices):
        SCHEDULE = "schedule", _("按计划")
        TOP_UP = "top_up", _("补发")
        RECONCILE = "reconcile", _("核对追回")
        ORDER = "order", _("责令追回")

    class ClaimStatus(models.TextChoices):
        PENDING = "pending", _("待经办确认")
        CONFIRMED = "confirmed", _("待财务审批")
        APPROVED = "approved", _("已追回")

    award = models.ForeignKey(
        Award, verbose_name=_("待遇"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(_("类别"), max_length=40)
    period = models.CharField(_("期间"), max_length=16)
    due_on = models.DateField(_("应发日期"))
    payee = models.CharField(
        _("收款方"), max_length=8, choices=[("person", _("个人")), ("unit", _("单位"))]
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    funding = models.CharField(_("资金来源"), max_length=40, choices=Funding.choices)
    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name=_("发放批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    recovers = models.ForeignKey(
        "self",
        verbose_name=_("追回的款项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recoveries",
    )
    # 0 for the row the schedule makes due; 1, 2 ... for later rows of the same kind and period
    # (a top-up, a second recovery) that reconciliation adds: nothing is edited in place.
    seq = models.PositiveSmallIntegerField(_("序号"), default=0, db_default=0)
    origin = models.CharField(
        _("来源"),
        max_length=12,
        choices=Origin.choices,
        default=Origin.SCHEDULE,
        db_default=Origin.SCHEDULE,
    )
    # Recovery claims (origin reconcile or order): pending the office, then finance.
    claim_status = models.CharField(
        _("追回状态"),
        max_length=12,
        choices=ClaimStatus.choices,
        blank=True,
        default="",
        db_default="",
    )
    cause = models.TextField(_("原因"), blank=True, default="", db_default="")
    clause = models.CharField(_("依据条款"), max_length=200, blank=True, default="", db_default="")
    cause_event = models.ForeignKey(
        "AwardEvent",
        verbose_name=_("所依据的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制单人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发放台账")
        verbose_name_plural = _("发放台账")
        ordering = ["due_on", "award_id", "kind"]
        # the admin list's order (Django adds -pk): its page read from the index's start
        # instead of sorting the whole ledger
        indexes = [
            models.Index(fields=["due_on", "award", "kind", "-id"], name="payment_list_order_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "kind", "period", "seq"],
                name="one_payment_per_award_kind_period_seq",
            ),
            models.CheckConstraint(
                name="recovery_is_negative",
                condition=models.Q(recovers__isnull=True, amount__gt=0)
                | models.Q(recovers__isnull=False, amount__lt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.kind} {self.period} {self.amount}"


class Assessment(models.Model):
    """A scheduled assessment of an award, with who organises it and, later, its result."""

    award = models.ForeignKey(
        Award, verbose_name=_("待遇"), on_delete=models.PROTECT, related_name="assessments"
    )
    code = models.CharField(_("考核代码"), max_length=40)
    kind = models.CharField(_("考核类型"), max_length=20)
    due_on = models.DateField(_("应考核日期"))
    organiser = models.CharField(_("组织单位"), max_length=40)
    result = models.CharField(_("结果"), max_length=16, blank=True)
    decided_on = models.DateField(_("考核日期"), null=True, blank=True)
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)
    # False once the schedule no longer lists it (the title was suspended or revoked first).
    active = models.BooleanField(_("需考核"), default=True)

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "code", "due_on"], name="one_assessment_per_due_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.due_on}"


class PaymentRun(models.Model):
    """One run of the ledger (monthly or annual), started by beat or by the office, with progress."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度发放")
        ANNUAL = "annual", _("年度发放")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    # The authority whose awards the run covers; None: every authority (beat, the system admin).
    authority = models.ForeignKey(
        "portal.Authority",
        verbose_name=_("主管机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_runs",
    )
    period = models.CharField(_("期间"), max_length=16)
    until = models.DateField(_("计至"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    awards_total = models.PositiveIntegerField(_("待处理待遇数"), default=0)
    awards_done = models.PositiveIntegerField(_("已处理待遇数"), default=0)
    created = models.PositiveIntegerField(_("新增笔数"), default=0)
    existing = models.PositiveIntegerField(_("已存在笔数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    queued_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发放计算")
        verbose_name_plural = _("发放计算")
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"

    @property
    def percent(self) -> int:
        if not self.awards_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.awards_done * 100 // self.awards_total)
