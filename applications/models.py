"""The declaration: an application to a round, its frozen versions, attachments and history."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.crypto import DeclarationJSONField
from programmes.vocab import CHANNEL_LABELS


class PrivateStorage(LazyObject):
    """Uploaded materials: outside every public root, served only by a permission-checked view."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def get_private_storage():
    """The storage of uploaded files (a callable, so migrations never pin a machine's path)."""
    return private_storage


def attachment_path(instance: Attachment, filename: str) -> str:
    """A name the portal makes; the uploaded name is never used on disk."""
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        instance.content_type, ""
    )
    return str(Path("attachments") / f"{instance.application_id}" / f"{uuid.uuid4().hex}{suffix}")


class Channel(models.TextChoices):
    UNIT = "unit", CHANNEL_LABELS["unit"]
    EXPERT_OR_GROUP = "expert_or_group", CHANNEL_LABELS["expert_or_group"]
    SELF = "self", CHANNEL_LABELS["self"]
    UNION = "union", CHANNEL_LABELS["union"]
    SOCIAL_ORG = "social_org", CHANNEL_LABELS["social_org"]


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        NOMINATION = "nomination", _("待单位推荐")
        IN_REVIEW = "in_review", _("审核中")
        RETURNED = "returned", _("退回修改")
        REJECTED = "rejected", _("未通过")
        APPROVED = "approved", _("已通过待命名")
        NAMED = "named", _("已命名")
        WITHDRAWN = "withdrawn", _("已撤回")

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    unit = models.ForeignKey(
        "portal.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    channel = models.CharField(
        _("推荐方式"), max_length=32, choices=Channel.choices, default=Channel.UNIT
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    stage = models.CharField(_("当前阶段"), max_length=64, blank=True)
    stage_entered_at = models.DateTimeField(_("进入当前阶段时间"), null=True, blank=True)
    # ID numbers, phones and bank accounts inside are encrypted at rest (portal/crypto.py).
    data = DeclarationJSONField(
        _("申报内容"), default=dict, blank=True, ruleset_from="round.version"
    )
    warn_reasons = models.JSONField(_("情况说明"), default=dict, blank=True)
    revision = models.PositiveIntegerField(_("保存次数"), default=0)
    street = models.ForeignKey(
        "portal.Region",
        verbose_name=_("街道/镇/园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    department = models.ForeignKey(
        "portal.Department",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    union = models.ForeignKey(
        "portal.Union",
        verbose_name=_("推荐工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["round", "status", "stage"]),
            models.Index(fields=["street", "stage"]),
            # the admin list's order (Django adds -pk): its page read from the index's end
            # instead of sorting every row in scope
            models.Index(fields=["-updated_at", "-id"], name="application_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "applicant"],
                condition=~models.Q(status="withdrawn"),
                name="one_live_application_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round.name}·{self.applicant}"

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class ApplicationVersion(models.Model):
    """What was submitted, frozen with the rule-set version it was judged under."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本"))
    # Personal values encrypted at rest, as in the application's.
    data = DeclarationJSONField(_("申报内容"), ruleset_from="ruleset_version")
    checks = models.JSONField(_("资格预审结果"), default=list)
    warn_reasons = models.JSONField(_("情况说明"), default=dict)
    ruleset_version = models.ForeignKey(
        "programmes.ProgrammeVersion", verbose_name=_("规则版本"), on_delete=models.PROTECT
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("申报版本")
        verbose_name_plural = _("申报版本")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="unique_application_version"
            )
        ]

    def __str__(self) -> str:
        return f"第{self.number}版"


class Attachment(models.Model):
    """One uploaded file for one item of the rule set's material checklist."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="attachments"
    )
    item = models.CharField(_("材料项目"), max_length=64)
    file = models.FileField(
        _("文件"), storage=get_private_storage, upload_to=attachment_path, max_length=200
    )
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件材料")
        verbose_name_plural = _("附件材料")
        ordering = ["application", "item", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """The audit trail: every transition and decision, who, when, from, to, note."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT
    )
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    from_stage = models.CharField(_("原阶段"), max_length=64, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=64, blank=True)
    note = models.TextField(_("意见/说明"), blank=True)
    internal_note = models.TextField(_("内部备注"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @classmethod
    def record(
        cls,
        application: Application,
        *,
        by,
        action: str,
        note: str = "",
        internal_note: str = "",
        from_status: str | None = None,
        from_stage: str | None = None,
    ) -> ApplicationEvent:
        """One audit row: `application` as it is now is the "to" side; the "from" side defaults
        to the same (a step that moves nothing, such as an expert assignment)."""
        # the security log also names every decision
        audit.record("decision", user=by, obj=application, detail=action)
        return cls.objects.create(
            application=application,
            actor=by,
            action=action,
            from_status=application.status if from_status is None else from_status,
            to_status=application.status,
            from_stage=application.stage if from_stage is None else from_stage,
            to_stage=application.stage,
            note=note,
            internal_note=internal_note,
        )


class Nomination(models.Model):
    """The unit's side of a nomination: its collective discussion and internal publicity.

    沪松人社规〔2024〕1号 四(二): the unit nominates after collective discussion and at least one
    week of publicity inside the unit; 市中政办字〔2020〕33号 第九条(二): five working days.
    """

    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="nomination"
    )
    discussed_on = models.DateField(_("集体讨论日期"), null=True, blank=True)
    discussion_note = models.TextField(_("集体讨论情况"), blank=True)
    publicity_starts_on = models.DateField(_("内部公示开始"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("内部公示结束"), null=True, blank=True)
    objections = models.TextField(_("公示期间异议及处理"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    nominated_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位推荐")
        verbose_name_plural = _("单位推荐")

    def __str__(self) -> str:
        return str(self.application)


def pdf_batch_path(instance: PdfBatch, filename: str) -> str:
    """Batch zips live beside the attachments, under a name the portal makes."""
    return str(Path("pdf_batches") / f"{instance.pk or 'new'}-{uuid.uuid4().hex}.zip")


class PdfBatch(models.Model):
    """The PDF forms of a whole round (or of one street's applications) as one zip, made by
    a Celery task that counts its progress here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        ASSEMBLING = "assembling", _("正在打包")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="pdf_batches",
    )
    street = models.ForeignKey(
        "portal.Region",
        verbose_name=_("街道/镇/园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mask_id = models.BooleanField(_("隐去身份证号"), default=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("申报数"), default=0)
    done = models.PositiveIntegerField(_("已生成"), default=0)
    file = models.FileField(
        _("压缩包"),
        storage=get_private_storage,
        upload_to=pdf_batch_path,
        max_length=200,
        blank=True,
    )
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报表批量导出")
        verbose_name_plural = _("申报表批量导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        where = f"·{self.street.name}" if self.street_id else ""
        return f"{self.round.name}{where}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class PdfBatchChunk(models.Model):
    """A slice of a PdfBatch's applications that one worker process renders: a batch is split
    into chunks so that every worker renders at once; the last chunk done assembles the zip."""

    batch = models.ForeignKey(PdfBatch, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    application_ids = models.JSONField(default=list)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("申报表批量导出分片")
        verbose_name_plural = _("申报表批量导出分片")
        ordering = ["batch", "index"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "index"], name="unique_pdf_batch_chunk"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.index + 1}"


class Finding(models.Model):
    """A finding the office recorded that bars later applications of the programme (上海工匠
    五(三): false information, the person or the unit for 3 years; 市中 第十四条(三): the unit at
    fault loses its right to nominate). The rule and its length are the rule set's `bans`."""

    class Against(models.TextChoices):
        PERSON = "person", _("申报人")
        UNIT = "unit", _("单位")

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("人才项目"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    rule = models.CharField(_("认定事项"), max_length=64)
    against = models.CharField(_("对象"), max_length=8, choices=Against.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings_against",
    )
    unit = models.ForeignKey(
        "portal.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("所涉申报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    found_on = models.DateField(_("认定日期"))
    note = models.TextField(_("认定情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("禁止申报认定")
        verbose_name_plural = _("禁止申报认定")
        ordering = ["-found_on"]

    def __str__(self) -> str:
        return f"{self.get_against_display()}·{self.rule}（{self.found_on}）"
