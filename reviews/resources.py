"""The expert pool as the office keeps it in Excel (Chinese headers), for django-import-export."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from portal import scope
from portal.models import Authority
from portal.resources import NameForeignKeyWidget
from reviews.models import ExpertProfile


class UsernameWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError("请填写专家的登录用户名")
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist as exc:
            raise ValueError(f"找不到用户名为“{value}”的账号，请先在“用户”中建立专家账号") from exc


class YesNoWidget(widgets.Widget):
    """是/否 (also 1/0, true/false); empty means yes."""

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text in ("", "是", "1", "true", "yes"):
            return True
        if text in ("否", "0", "false", "no"):
            return False
        raise ValueError(f"“{value}”应为“是”或“否”")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class ExpertProfileResource(resources.ModelResource):
    """用户名, 姓名 (export only), 专业领域, 职称/技能等级, 工作单位, 在库 (是/否)."""

    user = fields.Field(
        attribute="user",
        column_name="用户名",
        widget=UsernameWidget(ExpertProfile._meta.get_field("user").related_model, "username"),
    )
    name = fields.Field(attribute="user__real_name", column_name="姓名", readonly=True)
    fields_of_expertise = fields.Field(attribute="fields_of_expertise", column_name="专业领域")
    title = fields.Field(attribute="title", column_name="职称/技能等级")
    unit = fields.Field(
        attribute="unit",
        column_name="工作单位",
        widget=NameForeignKeyWidget(ExpertProfile._meta.get_field("unit").related_model, "name"),
    )
    active = fields.Field(attribute="active", column_name="在库", widget=YesNoWidget())

    class Meta:
        model = ExpertProfile
        import_id_fields = ["user"]
        fields = ["user", "name", "fields_of_expertise", "title", "unit", "active"]
        skip_unchanged = True

    def before_import(self, dataset, **kwargs):
        self.fields["unit"].widget.forget()
        return super().before_import(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        """An office imports experts into its own authority's pool, never another's."""
        user = kwargs.get("user")
        if user is None or user.is_superuser:
            return
        offices = scope.office_authority_ids(user) or set()
        if instance.authority_id is None and offices:
            instance.authority = Authority.objects.filter(pk__in=offices).order_by("pk").first()
        if instance.authority_id not in offices:
            raise ValidationError("该专家在其他机构的专家库中，不能导入。")
