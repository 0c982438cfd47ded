"""Excel exchange of awards (bank accounts in bulk), the ledger, assessments and batches."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from portal import scope
from portal.resources import ChoiceLabelWidget
from subsidies.models import Assessment, Award, Funding, Payment, PaymentBatch


class AwardResource(resources.ModelResource):
    """Export of awards; on import only the bank fields change (matched on 编号)."""

    id = fields.Field(attribute="id", column_name="编号")
    name = fields.Field(attribute="name", column_name="获得者", readonly=True)
    programme = fields.Field(
        attribute="ruleset_version__programme__name", column_name="项目", readonly=True
    )
    document_number = fields.Field(
        attribute="document_number", column_name="命名文号", readonly=True
    )
    named_on = fields.Field(
        attribute="named_on",
        column_name="命名日期",
        readonly=True,
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    title = fields.Field(
        attribute="title",
        column_name="称号状态",
        readonly=True,
        widget=ChoiceLabelWidget(Award.Title.choices),
    )
    person_bank = fields.Field(attribute="person_bank", column_name="个人开户银行")
    person_account = fields.Field(attribute="person_account", column_name="个人账号")
    unit_bank = fields.Field(attribute="unit_bank", column_name="单位开户银行")
    unit_account = fields.Field(attribute="unit_account", column_name="单位账号")

    class Meta:
        model = Award
        import_id_fields = ["id"]
        fields = [
            "id",
            "name",
            "programme",
            "document_number",
            "named_on",
            "title",
            "person_bank",
            "person_account",
            "unit_bank",
            "unit_account",
        ]
        skip_unchanged = True
        use_transactions = True

    def before_save_instance(self, instance, row, **kwargs):
        """An office updates only its own authority's awards (portal.scope)."""
        user = kwargs.get("user")
        if user is None or user.is_superuser:
            return
        if (
            not instance.pk
            or not scope.changeable(user, Award.objects.filter(pk=instance.pk)).exists()
        ):
            raise ValidationError("只能修改本机构的命名与待遇。")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # awards are made by naming, never by a spreadsheet: a row naming no award is skipped
        if original is None or original.pk is None:
            return True
        return super().skip_row(instance, original, row, import_validation_errors)


class PaymentResource(resources.ModelResource):
    award = fields.Field(attribute="award__name", column_name="获得者")
    kind = fields.Field(attribute="kind", column_name="类别")
    period = fields.Field(attribute="period", column_name="期间")
    due_on = fields.Field(
        attribute="due_on", column_name="应发日期", widget=widgets.DateWidget("%Y-%m-%d")
    )
    payee = fields.Field(attribute="payee", column_name="收款方")
    amount = fields.Field(attribute="amount", column_name="金额", widget=widgets.DecimalWidget())
    funding = fields.Field(
        attribute="funding", column_name="资金来源", widget=ChoiceLabelWidget(Funding.choices)
    )
    batch = fields.Field(attribute="batch__period", column_name="批次")

    class Meta:
        model = Payment
        fields = ["award", "kind", "period", "due_on", "payee", "amount", "funding", "batch"]


class AssessmentResource(resources.ModelResource):
    award = fields.Field(attribute="award__name", column_name="获得者")
    code = fields.Field(attribute="code", column_name="考核")
    due_on = fields.Field(
        attribute="due_on", column_name="应考核日期", widget=widgets.DateWidget("%Y-%m-%d")
    )
    organiser = fields.Field(attribute="organiser", column_name="组织单位")
    result = fields.Field(attribute="result", column_name="结果")
    decided_on = fields.Field(
        attribute="decided_on", column_name="考核日期", widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Assessment
        fields = ["award", "code", "due_on", "organiser", "result", "decided_on"]


class PaymentBatchResource(resources.ModelResource):
    period = fields.Field(attribute="period", column_name="期间")
    funding = fields.Field(
        attribute="funding", column_name="资金来源", widget=ChoiceLabelWidget(Funding.choices)
    )
    status = fields.Field(
        attribute="status",
        column_name="状态",
        widget=ChoiceLabelWidget(PaymentBatch.Status.choices),
    )

    class Meta:
        model = PaymentBatch
        fields = ["period", "funding", "status"]
