"""Review records: return reasons, experts and panels, score sheets, credit checks, publicity,
objections, tie decisions and naming. Workflow state itself lives on applications.Application."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldReason(models.Model):
    """One field's reason in a return for revision, kept with the event that returned it."""

    event = models.ForeignKey(
        "applications.ApplicationEvent",
        verbose_name=_("办理记录"),
        on_delete=models.CASCADE,
        related_name="field_reasons",
    )
    version = models.ForeignKey(
        "applications.ApplicationVersion",
        verbose_name=_("退回的版本"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="return_reasons",
        help_text=_("被退回修改的提交版本：理由随该版本保存。"),
    )
    field = models.CharField(_("字段或材料"), max_length=128)
    label = models.CharField(_("字段名称"), max_length=200, blank=True)
    reason = models.TextField(_("退回理由"))

    class Meta:
        verbose_name = _("退回修改理由")
        verbose_name_plural = _("退回修改理由")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.label or self.field}：{self.reason}"


class ExpertProfile(models.Model):
    """An expert of the pool: fields of expertise, and the unit (for conflicts of interest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家账号"),
        on_delete=models.CASCADE,
        related_name="expert_profile",
    )
    unit = models.ForeignKey(
        "portal.Unit",
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
    )
    fields_of_expertise = models.CharField(
        _("专业领域"), max_length=200, blank=True, help_text=_("多个领域以顿号或逗号分隔")
    )
    title = models.CharField(_("职称/技能等级"), max_length=100, blank=True)
    active = models.BooleanField(_("在库"), default=True)
    # The authority whose pool the expert is in: only its offices draw or assign them.
    authority = models.ForeignKey(
        "portal.Authority",
        verbose_name=_("所属专家库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.display_name


class Panel(models.Model):
    """The experts reviewing one round at one stage (and, for the craftsman round, one group)."""

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="panels",
    )
    stage = models.CharField(_("评审阶段"), max_length=64)
    group = models.CharField(_("评审组别"), max_length=64, blank=True)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("专家"), blank=True, related_name="panels"
    )
    draw_seed = models.CharField(_("抽取种子"), max_length=64, blank=True)
    draw_pool = models.JSONField(_("抽取时的专家库"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("组建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审组")
        verbose_name_plural = _("评审组")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "stage", "group"], name="one_panel_per_round_stage_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}·{self.group_title or self.stage_title}"

    @property
    def stage_title(self) -> str:
        """The stage's title in the round's rule set (pages never show the code)."""
        stage = self.round.version.ruleset.stage(self.stage)
        return stage.title if stage else self.stage

    @property
    def group_title(self) -> str:
        scoring = self.round.version.ruleset.scoring
        groups = scoring.groups.items if scoring and scoring.groups else []
        return next((g.label for g in groups if g.code == self.group), self.group)


class Assignment(models.Model):
    """One expert on one application."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("评审中")
        RECUSED = "recused", _("已回避")

    class Method(models.TextChoices):
        MANUAL = "manual", _("指定")
        DRAW = "draw", _("随机抽取")

    panel = models.ForeignKey(
        Panel, verbose_name=_("评审组"), on_delete=models.CASCADE, related_name="assignments"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("申报"),
        on_delete=models.CASCADE,
        related_name="expert_assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专家"),
        on_delete=models.PROTECT,
        related_name="expert_assignments",
    )
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    recusal_reason = models.TextField(_("回避理由"), blank=True)
    recused_at = models.DateTimeField(_("回避时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家分配")
        verbose_name_plural = _("专家分配")
        ordering = ["application", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "application", "expert"], name="one_assignment_per_expert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert}→{self.application_id}"


class ScoreSheet(models.Model):
    """One expert's sheet for one assignment; locked once submitted, reopened by the office."""

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("专家分配"), on_delete=models.CASCADE, related_name="sheet"
    )
    opinion = models.TextField(_("评审意见"), blank=True)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reopened_reason = models.TextField(_("退回重评理由"), blank=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self) -> str:
        return f"{self.assignment}：{self.total}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class ScoreRow(models.Model):
    """One item of the rule set's sheet (A1 ... H1) on one score sheet."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="rows"
    )
    item = models.CharField(_("评分项目"), max_length=8)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["sheet", "item"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="one_row_per_item")]

    def __str__(self) -> str:
        return f"{self.item}：{self.points}"


class TieDecision(models.Model):
    """The office's decision between candidates tied at the cut line, with its reason."""

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="tie_decisions",
    )
    stage = models.CharField(_("评审阶段"), max_length=64)
    group = models.CharField(_("评审组别"), max_length=64, blank=True)
    tied = models.ManyToManyField(
        "applications.Application", verbose_name=_("并列申报"), related_name="+"
    )
    chosen = models.ManyToManyField(
        "applications.Application", verbose_name=_("入选申报"), related_name="+"
    )
    reason = models.TextField(_("理由"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("并列决定")
        verbose_name_plural = _("并列决定")

    def __str__(self) -> str:
        return f"{self.round}·{self.stage}"


class StageRanking(models.Model):
    """An expert stage closed by the office with its ranking: the ranks against the quota and
    who was selected (ties decided by a TieDecision). The gate lets an application pass an
    expert stage only when such a ranking selected it."""

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.CASCADE,
        related_name="stage_rankings",
    )
    stage = models.CharField(_("评审阶段"), max_length=64)
    group = models.CharField(_("评审组别"), max_length=64, blank=True)
    quota = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    ranks = models.JSONField(_("排名"), default=dict)
    selected = models.JSONField(_("入选"), default=list)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审排名")
        verbose_name_plural = _("评审排名")

    def __str__(self) -> str:
        return f"{self.round}·{self.stage}"


class CreditCheck(models.Model):
    """A candidate's public-credit result, as the office recorded or imported it."""

    class Result(models.TextChoices):
        PASS = "pass", _("通过")
        FAIL = "fail", _("不通过")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("申报"),
        on_delete=models.CASCADE,
        related_name="credit_checks",
    )
    result = models.CharField(_("核查结果"), max_length=8, choices=Result.choices)
    reference = models.CharField(_("查询编号/依据"), max_length=100, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用核查")
        verbose_name_plural = _("信用核查")
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.application_id}：{self.get_result_display()}"


class Publicity(models.Model):
    """A publicity period of one round's candidates, its end computed in working days."""

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="publicities",
    )
    stage = models.CharField(_("公示阶段"), max_length=64)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    applications = models.ManyToManyField(
        "applications.Application", verbose_name=_("公示对象"), related_name="publicities"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stage"], name="one_publicity_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.round}（{self.starts_on}—{self.ends_on}）"


class Objection(models.Model):
    """An objection anyone lodged during publicity, and how the office resolved it."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    publicity = models.ForeignKey(
        Publicity, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="objections"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("被异议人选"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    name = models.CharField(_("异议人姓名"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    text = models.TextField(_("异议内容"), max_length=2000)
    lodged_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("处理状态"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["lodged_at"]

    def __str__(self) -> str:
        return f"{self.name}→{self.application_id}"


class Naming(models.Model):
    """The naming document of a round (命名文件): number and date."""

    round = models.ForeignKey(
        "programmes.Round",
        verbose_name=_("申报批次"),
        on_delete=models.PROTECT,
        related_name="namings",
    )
    document_number = models.CharField(_("文号"), max_length=100)
    named_on = models.DateField(_("命名日期"))
    applications = models.ManyToManyField(
        "applications.Application", verbose_name=_("命名人选"), related_name="namings"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("命名")
        verbose_name_plural = _("命名")
        ordering = ["-named_on"]

    def __str__(self) -> str:
        return self.document_number
