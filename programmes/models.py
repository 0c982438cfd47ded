"""Programmes, their immutable rule-set versions, rounds, and the staff-entered calendar days."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.round_rules import round_problems
from programmes.ruleset import parse_ruleset


class Programme(models.Model):
    """A talent programme; its rules live in its versions."""

    code = models.SlugField(_("项目代码"), max_length=64, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    # The organising authority, set by load_programmes from the rule set's issuing authorities.
    authority = models.ForeignKey(
        "portal.Authority",
        verbose_name=_("主管机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )

    class Meta:
        verbose_name = _("人才项目")
        verbose_name_plural = _("人才项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def latest_version(self) -> ProgrammeVersion | None:
        """The newest version in force (生效): the one a new round is opened on. Drafts and
        versions awaiting approval are not, nor retired ones."""
        return self.versions.filter(state=ProgrammeVersion.State.ACTIVE).order_by("-number").first()


class ProgrammeVersion(models.Model):
    """One loaded rule set, never changed once saved: a changed file becomes a new version.

    Its rules never change; only its state moves on (programmes.rule_versions): a version an
    office uploads is a draft (草稿), submitted for approval (待审核), activated by a second
    office user of the same authority (生效) and, when no new round should use it, retired
    (停用). A file loaded by `load_programmes` (the system administrator's) is in force at once.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待审核")
        ACTIVE = "active", _("生效")
        RETIRED = "retired", _("停用")

    programme = models.ForeignKey(
        Programme, verbose_name=_("人才项目"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    digest = models.CharField(_("内容摘要"), max_length=64)
    data = models.JSONField(_("规则内容"))
    source_file = models.CharField(_("来源文件"), max_length=200)
    loaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ACTIVE)
    source_text = models.TextField(_("规则文件原文"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    trial_scenarios = models.JSONField(_("随附试算情景"), default=list, blank=True)

    # The only fields that change after a version is saved: its state and who moved it.
    LIFECYCLE_FIELDS = frozenset(
        {"state", "submitted_at", "approved_by", "approved_at", "retired_at"}
    )

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        ordering = ["programme__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_version_number"),
            models.UniqueConstraint(fields=["programme", "digest"], name="unique_version_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} 第{self.number}版"

    def save(self, *args, **kwargs):
        changing = set(kwargs.get("update_fields") or ())
        if (
            self.pk
            and not (changing and changing <= self.LIFECYCLE_FIELDS)
            and ProgrammeVersion.objects.filter(pk=self.pk).exists()
        ):
            raise ValidationError(
                _("规则版本一经导入不可修改，请修改规则文件后重新导入形成新版本。")
            )
        super().save(*args, **kwargs)

    @property
    def ruleset(self):
        """The parsed rule set (programmes.ruleset.RuleSet), parsed once per process."""
        cached = getattr(self, "_ruleset", None)
        if cached is None:
            cached = parsed_ruleset(
                self.pk, self.digest, lambda: parse_ruleset(self.data, source=self.source_file)
            )
            self._ruleset = cached
        return cached


# Versions never change once saved, so a parsed rule set can be kept for the process, keyed by
# the version and its digest. Pages that show many applications parse each version once.
_PARSED: dict[tuple[int, str], object] = {}


def parsed_ruleset(version_id: int | None, digest: str, parse):
    """The rule set of a saved version from the process cache, parsing it (`parse()`) once."""
    if version_id is None:
        return parse()
    key = (version_id, digest)
    if key not in _PARSED:
        _PARSED[key] = parse()
    return _PARSED[key]


class Round(models.Model):
    """A call for applications (e.g. 2024年度松江区首席技师选拔) pinned to one rule-set version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        OPEN = "open", _("申报中")
        REVIEW = "review", _("评审中")
        CLOSED = "closed", _("已结束")

    version = models.ForeignKey(
        ProgrammeVersion,
        verbose_name=_("规则版本"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    name = models.CharField(_("批次名称"), max_length=100)
    year = models.PositiveIntegerField(_("年度"))
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    quota = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )

    class Meta:
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        ordering = ["-opens_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def programme(self) -> Programme:
        return self.version.programme

    @property
    def authority_id(self):
        return self.version.programme.authority_id

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("申报截止日期不能早于开始日期。")})
        if (
            self._state.adding
            and self.version_id
            and self.version.state != ProgrammeVersion.State.ACTIVE
        ):
            raise ValidationError(
                {
                    "version": _("只能在已生效的规则版本上开启申报批次（该版本为“%(state)s”）。")
                    % {"state": self.version.get_state_display()}
                }
            )
        if not (self.version_id and self.opens_on and self.closes_on and self.year):
            return
        others = (
            Round.objects.filter(version__programme=self.version.programme_id)
            .exclude(pk=self.pk)
            .values_list("year", flat=True)
        )
        problems = round_problems(
            self.version.ruleset,
            year=self.year,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            quota=self.quota,
            other_years=list(others),
        )
        if problems:
            errors: dict[str, list[str]] = {}
            for name, message in problems:
                errors.setdefault(name, []).append(message)
            raise ValidationError(errors)

    def is_open_on(self, day) -> bool:
        return self.status == self.Status.OPEN and self.opens_on <= day <= self.closes_on


class CalendarYear(models.Model):
    """A year for which staff have entered every holiday and adjusted working day."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(
        _("已录入完整"),
        default=False,
        help_text=_("勾选后，该年度未录入的日期按周一至周五为工作日计算。"),
    )
    notice = models.CharField(_("依据文件"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A holiday or an adjusted working day entered by staff; it overrides the package too."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("休息日")
        WORKDAY = "workday", _("调休工作日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
