"""Excel exchange (django-import-export) for the lists staff keep: Chinese column headers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from portal import scope
from portal.identity import IdentityError, clean_credit_code
from portal.models import Department, Region, Role, RoleAssignment, Union, Unit, User


class ChoiceLabelWidget(widgets.Widget):
    """Reads and writes a TextChoices field by its Chinese label (the code is accepted too)."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.by_label = {str(label): value for value, label in choices}
        self.by_value = {value: str(label) for value, label in choices}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        text = str(value).strip()
        if text in self.by_value:
            return text
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(f"“{text}”不是有效的选项，可选：{'、'.join(self.by_label)}")

    def render(self, value, obj=None, **kwargs):
        return self.by_value.get(value, value or "")


class NameForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its name, with a Chinese message when it does not exist.

    Lookups are remembered for one import (`forget()` is called before each), so a file of
    10,000 rows naming the same few streets costs a few queries, not 10,000.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seen: dict = {}

    def forget(self) -> None:
        self._seen = {}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip()
        if text not in self._seen:
            try:
                self._seen[text] = super().clean(text, row, **kwargs)
            except self.model.DoesNotExist as exc:
                label = self.model._meta.verbose_name
                raise ValueError(f"找不到名为“{value}”的{label}") from exc
        return self._seen[text]


class RegionResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="代码")
    name = fields.Field(attribute="name", column_name="名称")
    kind = fields.Field(
        attribute="kind",
        column_name="类型",
        widget=ChoiceLabelWidget(Region._meta.get_field("kind").choices),
    )
    parent = fields.Field(
        attribute="parent", column_name="上级", widget=NameForeignKeyWidget(Region, "name")
    )

    class Meta:
        model = Region
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "parent"]
        skip_unchanged = True
        use_transactions = True


class UnitResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="单位名称")
    credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码")
    kind = fields.Field(
        attribute="kind", column_name="单位性质", widget=ChoiceLabelWidget(Unit.Kind.choices)
    )
    tax_district = fields.Field(
        attribute="tax_district",
        column_name="税务登记所在区",
        widget=NameForeignKeyWidget(Region, "name"),
    )
    street = fields.Field(
        attribute="street",
        column_name="所在街道/镇/园区",
        widget=NameForeignKeyWidget(Region, "name"),
    )
    department = fields.Field(
        attribute="department",
        column_name="主管部门",
        widget=NameForeignKeyWidget(Department, "name"),
    )
    legal_representative = fields.Field(attribute="legal_representative", column_name="法定代表人")
    address = fields.Field(attribute="address", column_name="通讯地址")
    contact_name = fields.Field(attribute="contact_name", column_name="联系人")
    contact_phone = fields.Field(attribute="contact_phone", column_name="联系电话")

    class Meta:
        model = Unit
        import_id_fields = ["credit_code"]
        fields = [
            "name",
            "credit_code",
            "kind",
            "tax_district",
            "street",
            "department",
            "legal_representative",
            "address",
            "contact_name",
            "contact_phone",
        ]
        skip_unchanged = True
        use_transactions = True
        clean_model_instances = True
        # Existing units are loaded once per import by their credit codes; new and changed
        # rows are written 1,000 at a time (every row is still checked, and named when bad,
        # before anything is written).
        instance_loader_class = CachedInstanceLoader
        use_bulk = True
        batch_size = 1000
        # The library's per-row diff deep-copies each unit and renders HTML: most of a row's
        # cost. The preview shows the row's own values instead, and an unchanged existing unit
        # is found by comparing its stored values (skip_row below).
        skip_diff = True

    # Foreign keys the widgets have already found in the database: full_clean() need not
    # look each one up again (two queries a row).
    FOUND_BY_WIDGET = ("tax_district", "street", "department", "union")

    def before_import(self, dataset, **kwargs):
        self._credit_codes_seen: dict[str, int] = {}
        self._preview_headers = self.get_diff_headers()
        self._stored: tuple | None = None
        for field in self.fields.values():
            if isinstance(field.widget, NameForeignKeyWidget):
                field.widget.forget()

    @staticmethod
    def _values(instance) -> tuple:
        return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)

    def after_init_instance(self, instance, new, row, **kwargs):
        self._stored = None if new else self._values(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing unit whose every value the row repeats is skipped (skip_unchanged)."""
        return (
            not import_validation_errors
            and self._stored is not None
            and self._values(instance) == self._stored
        )

    def after_import_row(self, row, row_result, **kwargs):
        # What the preview shows of the row: its cells as read (the template escapes them).
        row_result.diff = [row.get(header, "") for header in self._preview_headers]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The credit code is the import key: an existing unit is updated, never duplicated, so
        # the per-row uniqueness query of full_clean() is not needed (the database still holds
        # the unique constraint, and a code repeated within the file is refused by row).
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, *self.FOUND_BY_WIDGET], validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_import_row(self, row, row_number=None, **kwargs):
        header = "统一社会信用代码"
        if row.get(header):
            try:
                row[header] = clean_credit_code(str(row[header]))
            except IdentityError as exc:
                raise ValidationError({"credit_code": str(exc)}) from exc
            first = self._credit_codes_seen.setdefault(row[header], row_number)
            if first != row_number:
                raise ValidationError({"credit_code": f"统一社会信用代码与第 {first} 行重复。"})

    def before_save_instance(self, instance, row, **kwargs):
        """An office imports only units of its own district(s) (portal.scope), new or changed."""
        user = kwargs.get("user")
        if user is None or user.is_superuser:
            return
        mine = scope.region_ids_of(scope.staff_authority_ids(user)) or set()
        district = instance.tax_district
        in_scope = district is not None and (district.pk in mine or (district.parent_id in mine))
        if instance.pk and not scope.visible(user, Unit.objects.filter(pk=instance.pk)).exists():
            in_scope = False
        if not in_scope:
            raise ValidationError({"tax_district": "只能导入本区的单位。"})


class StaffAccountResource(resources.ModelResource):
    """Staff accounts with one role each row; the office creates staff accounts this way."""

    username = fields.Field(attribute="user__username", column_name="用户名")
    real_name = fields.Field(attribute="user__real_name", column_name="姓名")
    role = fields.Field(
        attribute="role", column_name="角色", widget=ChoiceLabelWidget(Role.choices)
    )
    scope = fields.Field(column_name="所属机构")

    class Meta:
        model = RoleAssignment
        fields = ["username", "real_name", "role", "scope"]
        export_order = ["username", "real_name", "role", "scope"]

    def dehydrate_scope(self, assignment):
        scope = assignment.scope
        return str(scope) if scope else ""

    def get_queryset(self):
        return (
            super().get_queryset().select_related("user", "region", "unit", "department", "union")
        )


class DepartmentResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="代码")
    name = fields.Field(attribute="name", column_name="名称")
    district = fields.Field(
        attribute="district", column_name="所属区", widget=NameForeignKeyWidget(Region, "name")
    )

    class Meta:
        model = Department
        import_id_fields = ["code"]
        fields = ["code", "name", "district"]
        use_transactions = True


class UnionResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="代码")
    name = fields.Field(attribute="name", column_name="名称")
    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceLabelWidget(Union.Kind.choices)
    )
    held_own_selection = fields.Field(
        attribute="held_own_selection",
        column_name="已开展本级工匠选树",
        widget=widgets.BooleanWidget(),
    )

    class Meta:
        model = Union
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "held_own_selection"]
        use_transactions = True


__all__ = [
    "DepartmentResource",
    "RegionResource",
    "StaffAccountResource",
    "UnionResource",
    "UnitResource",
    "User",
]
