"""A round's candidate list as xlsx (export only: applications are made by their applicants)."""

from __future__ import annotations

from django.utils import timezone
from import_export import fields, resources

from applications.models import Application


class CandidateListResource(resources.ModelResource):
    number = fields.Field(attribute="pk", column_name="申报编号")
    round = fields.Field(attribute="round__name", column_name="申报批次")
    programme = fields.Field(attribute="round__version__programme__name", column_name="人才项目")
    applicant = fields.Field(column_name="申报人")
    unit = fields.Field(attribute="unit__name", column_name="单位")
    street = fields.Field(attribute="street__name", column_name="街道/镇/园区")
    channel = fields.Field(column_name="推荐方式")
    status = fields.Field(column_name="状态")
    stage = fields.Field(column_name="当前环节")
    submitted_at = fields.Field(column_name="提交时间")

    class Meta:
        model = Application
        fields = [
            "number",
            "round",
            "programme",
            "applicant",
            "unit",
            "street",
            "channel",
            "status",
            "stage",
            "submitted_at",
        ]
        export_order = fields

    def dehydrate_applicant(self, application):
        return application.applicant.display_name

    def dehydrate_channel(self, application):
        return application.get_channel_display()

    def dehydrate_status(self, application):
        return application.get_status_display()

    def dehydrate_stage(self, application):
        stage = application.round.version.ruleset.stage(application.stage)
        return stage.title if stage else application.stage

    def dehydrate_submitted_at(self, application):
        if application.submitted_at is None:
            return ""
        return timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
