"""Excel exchange for the staff-entered calendar days (Chinese headers)."""

from __future__ import annotations

from import_export import fields, resources, widgets

from portal.resources import ChoiceLabelWidget
from programmes.models import CalendarDay


class CalendarDayResource(resources.ModelResource):
    date = fields.Field(attribute="date", column_name="日期", widget=widgets.DateWidget("%Y-%m-%d"))
    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceLabelWidget(CalendarDay.Kind.choices)
    )
    name = fields.Field(attribute="name", column_name="说明")

    class Meta:
        model = CalendarDay
        import_id_fields = ["date"]
        fields = ["date", "kind", "name"]
        skip_unchanged = True
        use_transactions = True
