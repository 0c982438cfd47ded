"""Users, roles and the organisations they act for.

Regions are the city, the districts and their streets, towns and development zones; units are
the employers, schools and associations whose people apply; departments and unions are the
other bodies that review. A user holds roles, each scoped to one organisation.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.crypto import BlindIndex, EncryptedChar, with_indexes
from portal.identity import IdentityError, clean_credit_code, clean_id_number, mask_id_number


class RegionKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    ZONE = "zone", _("园区/开发区")


class Region(models.Model):
    """The city, a district, or a street / town / development zone within a district."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def district(self) -> Region | None:
        """The district this region belongs to (itself for a district)."""
        if self.kind == RegionKind.DISTRICT:
            return self
        if self.parent_id and self.parent.kind == RegionKind.DISTRICT:
            return self.parent
        return None


class Authority(models.Model):
    """A body that runs programmes and owns their staff, rounds, experts, awards and payments.

    Four are seeded (fixtures/authorities.yaml): the Songjiang, Qingpu and Shizhong district
    HR bureaus and the Shanghai Federation of Trade Unions, whose district and industry unions
    (Union rows) act under it. `region` is the district the bureau serves, or the city for the
    city union; `issuers` are the names under which rule sets name it as issuing authority.
    """

    class Kind(models.TextChoices):
        DISTRICT_BUREAU = "district_bureau", _("区人力资源和社会保障局")
        CITY_UNION = "city_union", _("市总工会")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authorities",
    )
    issuers = models.JSONField(_("发文机关名称"), default=list, blank=True)

    class Meta:
        verbose_name = _("主管机构")
        verbose_name_plural = _("主管机构")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A competent department (主管部门) of a district, e.g. the education bureau."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    district = models.ForeignKey(
        Region,
        verbose_name=_("所属区"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": RegionKind.DISTRICT},
        related_name="departments",
    )

    class Meta:
        verbose_name = _("主管部门")
        verbose_name_plural = _("主管部门")
        ordering = ["district__code", "code"]

    def __str__(self) -> str:
        return self.name


class Union(models.Model):
    """A district or industry trade union (the craftsman round's recommending body)."""

    class Kind(models.TextChoices):
        CITY = "city", _("市总工会")
        DISTRICT = "district", _("区局工会")
        INDUSTRY = "industry", _("产业工会")

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    district = models.ForeignKey(
        Region,
        verbose_name=_("所属区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
    )
    held_own_selection = models.BooleanField(
        _("已开展本级工匠选树"),
        default=False,
        help_text=_("未开展本地区、本系统工匠选树活动的工会不得推荐上海工匠人选。"),
    )

    class Meta:
        verbose_name = _("工会")
        verbose_name_plural = _("工会")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An employer, school, training institution, park or association."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        SCHOOL = "school", _("职业院校")
        TRAINING = "training_institution", _("职业培训机构")
        PARK = "industrial_park", _("产业园区")
        ASSOCIATION = "association", _("行业协会/社会团体")

    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("单位性质"), max_length=32, choices=Kind.choices)
    tax_district = models.ForeignKey(
        Region,
        verbose_name=_("税务登记所在区"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": RegionKind.DISTRICT},
        related_name="units_registered",
    )
    street = models.ForeignKey(
        Region,
        verbose_name=_("所在街道/镇/园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind__in": [RegionKind.STREET, RegionKind.TOWN, RegionKind.ZONE]},
        related_name="units",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("事业单位填写主管部门；其申报经主管部门推荐。"),
    )
    union = models.ForeignKey(
        Union,
        verbose_name=_("所属上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    may_nominate = models.BooleanField(
        _("具有推荐资格"),
        default=True,
        help_text=_("届满考核不合格且单位负有责任的，取消其推荐资格。"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        try:
            self.credit_code = clean_credit_code(self.credit_code)
        except IdentityError as exc:
            errors["credit_code"] = str(exc)
        if self.kind == self.Kind.PUBLIC_INSTITUTION and not self.department_id:
            errors["department"] = _("事业单位须填写主管部门。")
        if (
            self.street_id
            and self.tax_district_id
            and self.street.parent_id != self.tax_district_id
        ):
            errors["street"] = _("所在街道/镇不属于税务登记所在区。")
        if errors:
            raise ValidationError(errors)


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    """A person who signs in. The ID number is stored here once and shown masked elsewhere."""

    real_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Encrypted at rest (portal/crypto.py); unique and looked up through the blind indexes.
    phone = EncryptedChar(
        _("手机号码"), max_length=20, null=True, blank=True, blind_index="phone_index"
    )
    phone_index = BlindIndex(source="phone", kind="phone", unique=True)
    email = models.EmailField(_("电子邮箱"), unique=True, null=True, blank=True)
    id_number = EncryptedChar(
        _("身份证号码"), max_length=18, null=True, blank=True, blind_index="id_number_index"
    )
    id_number_index = BlindIndex(source="id_number", kind="id_number", unique=True)
    password_changed_at = models.DateTimeField(
        _("密码修改时间"),
        default=timezone.now,
        help_text=_("工作人员的密码每 STAFF_PASSWORD_DAYS 天须更换一次。"),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        # A saved ID number or phone carries its blind index with it.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = with_indexes(type(self), kwargs["update_fields"])
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def validate_unique(self, exclude=None) -> None:
        """Also the ID number and phone, unique through their blind indexes, with the message
        their unique columns gave (具有 身份证号码 的 用户 已存在。)."""
        errors: dict = {}
        try:
            super().validate_unique(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name in ("id_number", "phone"):
            value = getattr(self, name)
            if (exclude and name in exclude) or not value or name in errors:
                continue
            others = type(self)._default_manager.filter(**{name: value}).exclude(pk=self.pk)
            if others.exists():
                errors[name] = [self.unique_error_message(type(self), (name,))]
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        super().clean()
        if self.id_number:
            try:
                self.id_number = clean_id_number(self.id_number)
            except IdentityError as exc:
                raise ValidationError({"id_number": str(exc)}) from exc
        if self.email == "":
            self.email = None
        if self.phone == "":
            self.phone = None


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报人")
    APPLICANT_ORG = "applicant_org", _("申报单位")
    UNIT_HR = "unit_hr", _("单位人事")
    STREET_REVIEWER = "street_reviewer", _("街镇审核员")
    DEPARTMENT_REVIEWER = "department_reviewer", _("主管部门审核员")
    UNION_REVIEWER = "union_reviewer", _("工会审核员")
    DISTRICT_OFFICE = "district_office", _("区人社局经办")
    EXPERT = "expert", _("评审专家")
    FINANCE = "finance", _("财务")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


# Which organisation each role is scoped to; None means no scope (the applicant acts for self).
ROLE_SCOPE: dict[str, str | None] = {
    Role.APPLICANT: None,
    Role.APPLICANT_ORG: "unit",
    Role.UNIT_HR: "unit",
    Role.STREET_REVIEWER: "region",
    Role.DEPARTMENT_REVIEWER: "department",
    Role.UNION_REVIEWER: "union",
    Role.DISTRICT_OFFICE: "region",
    Role.EXPERT: None,
    Role.FINANCE: "region",
    Role.SYSTEM_ADMIN: None,
}

STAFF_ROLES = frozenset(
    {
        Role.STREET_REVIEWER,
        Role.DEPARTMENT_REVIEWER,
        Role.UNION_REVIEWER,
        Role.DISTRICT_OFFICE,
        Role.EXPERT,
        Role.FINANCE,
        Role.SYSTEM_ADMIN,
    }
)


class RoleAssignment(models.Model):
    """One role of a user, scoped to the organisation it acts for."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name=_("主管部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    union = models.ForeignKey(
        Union, verbose_name=_("工会"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The authority whose staff (or, for unit roles, whose district's unit) this role is;
    # derived from the scope on save (portal.authorities.authority_of_scope), chosen for experts.
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("主管机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "unit", "department", "union"],
                name="unique_role_assignment",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    Q(role__in=["applicant", "expert", "system_admin"])
                    | Q(role__in=["applicant_org", "unit_hr"], unit__isnull=False)
                    | Q(
                        role__in=["street_reviewer", "district_office", "finance"],
                        region__isnull=False,
                    )
                    | Q(role="department_reviewer", department__isnull=False)
                    | Q(role="union_reviewer", union__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope
        return f"{self.get_role_display()}（{scope}）" if scope else self.get_role_display()

    def save(self, *args, **kwargs):
        if not self.authority_id:
            from portal.authorities import authority_of_scope  # noqa: PLC0415  (it reads these models)

            self.authority = authority_of_scope(self)
        super().save(*args, **kwargs)

    @property
    def scope(self):
        kind = ROLE_SCOPE.get(self.role)
        return getattr(self, kind) if kind else None

    def clean(self) -> None:
        kind = ROLE_SCOPE.get(self.role)
        if kind and not getattr(self, f"{kind}_id"):
            field_label = self._meta.get_field(kind).verbose_name
            raise ValidationError({kind: _("该角色须指定%(field)s。") % {"field": field_label}})
        if self.role == Role.STREET_REVIEWER and self.region_id:
            if self.region.kind not in (RegionKind.STREET, RegionKind.TOWN, RegionKind.ZONE):
                raise ValidationError({"region": _("街镇审核员须指定街道、镇或园区。")})
        if self.role in (Role.DISTRICT_OFFICE, Role.FINANCE) and self.region_id:
            if self.region.kind not in (RegionKind.DISTRICT, RegionKind.CITY):
                raise ValidationError({"region": _("区级角色须指定区或市。")})
        from portal.authorities import authority_of_scope  # noqa: PLC0415  (it reads these models)

        derived = authority_of_scope(self)
        if derived is not None and self.authority_id and self.authority_id != derived.pk:
            raise ValidationError({"authority": _("主管机构与所选区域、单位或工会不一致。")})
        if self.role == Role.EXPERT and not (self.authority_id or derived):
            raise ValidationError({"authority": _("评审专家须指定所属专家库的主管机构。")})


# The portal's records (messages, the outbox, the audit log) live in portal.records; they are
# models of this app, imported here so Django registers them with the rest.
from portal.records import AuditLog, Message, OutboxMessage  # noqa: E402

__all__ = [
    "STAFF_ROLES",
    "AuditLog",
    "Authority",
    "Department",
    "Message",
    "OutboxMessage",
    "Region",
    "RegionKind",
    "Role",
    "RoleAssignment",
    "Union",
    "Unit",
    "User",
]
