"""The declaration form of a rule set: sections, fields, cover, opinions, checklist."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from programmes.ruleset.base import (
    CHOICE_TYPES,
    COVER_PLACEHOLDERS,
    NUMBER_TYPES,
    PREFILL_TYPES,
    TEXT_TYPES,
    Code,
    FieldType,
    Prefill,
    Role,
    Scope,
    Source,
    Text,
    _duplicates,
    _Model,
)

# --- form ----------------------------------------------------------------------------------


class Choice(_Model):
    """One option; `with_text`: the paper form has a blank after it (外省户籍_____)."""

    code: Code
    label: Text
    with_text: bool = False


class FormField(_Model):
    """One field of a section, or one column of a table.

    `max_length` is a hard limit in characters; `target_length` the length the text asks for
    ("500字左右"): the form shows it, and `max_length` leaves the tolerance (documented per
    rule set). `fact`: the applicant fact (programmes.facts) this field fills. A date is in the
    past or today unless `allow_future` (an appointment that runs on, say).
    """

    code: Code
    label: Text
    type: FieldType
    required: bool = False
    max_length: int | None = Field(default=None, ge=1)
    target_length: int | None = Field(default=None, ge=1)
    choices: list[Choice] = Field(default_factory=list)
    help: str | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    suffix: str | None = None
    fact: str | None = None
    allow_future: bool = False
    prefill: Prefill | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _consistent(self):
        allowed = PREFILL_TYPES.get(self.prefill or "", TEXT_TYPES)
        if self.prefill and self.type not in allowed:
            raise ValueError(
                f"字段“{self.code}”：prefill {self.prefill} 只适用于 {'、'.join(allowed)}"
            )
        if self.allow_future and self.type != "date":
            raise ValueError(f"字段“{self.code}”：allow_future 只适用于 date")
        if self.type in CHOICE_TYPES:
            if not self.choices:
                raise ValueError(f"字段“{self.code}”类型为 {self.type}，应给出 choices")
            repeated = _duplicates(c.code for c in self.choices)
            if repeated:
                raise ValueError(f"字段“{self.code}”的选项代码重复：{'、'.join(repeated)}")
        elif self.choices:
            raise ValueError(f"字段“{self.code}”类型为 {self.type}，不能有 choices")
        if self.type not in TEXT_TYPES and (self.max_length or self.target_length):
            raise ValueError(f"字段“{self.code}”：max_length/target_length 只适用于 text、textarea")
        if self.target_length and not self.max_length:
            raise ValueError(f"字段“{self.code}”：给出 target_length 时也应给出 max_length（上限）")
        if self.target_length and self.max_length and self.target_length > self.max_length:
            raise ValueError(f"字段“{self.code}”：target_length 大于 max_length")
        if self.type not in NUMBER_TYPES and (
            self.min_value is not None or self.max_value is not None
        ):
            raise ValueError(f"字段“{self.code}”：min_value/max_value 只适用于 integer、decimal")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(f"字段“{self.code}”：min_value 大于 max_value")
        return self


class WithinYears(_Model):
    """Rows count only when `column` (a date column) is within the last `years` years (近5年)."""

    column: Code
    years: int = Field(ge=1, le=50)


class Section(_Model):
    """A part of the form: plain fields, or a repeating table."""

    code: Code
    title: Text
    kind: Literal["fields", "table"]
    fields: list[FormField] = Field(default_factory=list)
    columns: list[FormField] = Field(default_factory=list)
    min_rows: int | None = Field(default=None, ge=0)
    max_rows: int | None = Field(default=None, ge=1)
    within_years: WithinYears | None = None
    help: str | None = None
    source: Source

    @model_validator(mode="after")
    def _shape(self):
        if self.kind == "fields":
            if not self.fields:
                raise ValueError(f"分节“{self.code}”为 fields，应给出 fields")
            if self.columns or self.min_rows is not None or self.max_rows is not None:
                raise ValueError(f"分节“{self.code}”为 fields，不能有 columns/min_rows/max_rows")
            if self.within_years:
                raise ValueError(f"分节“{self.code}”为 fields，不能有 within_years")
        else:
            if not self.columns:
                raise ValueError(f"分节“{self.code}”为 table，应给出 columns")
            if self.fields:
                raise ValueError(f"分节“{self.code}”为 table，应用 columns 而非 fields")
            if (
                self.min_rows is not None
                and self.max_rows is not None
                and self.min_rows > self.max_rows
            ):
                raise ValueError(f"分节“{self.code}”：min_rows 大于 max_rows")
            if self.within_years:
                column = next((c for c in self.columns if c.code == self.within_years.column), None)
                if column is None or column.type != "date":
                    raise ValueError(
                        f"分节“{self.code}”：within_years.column 应为本表的日期列"
                        f"（“{self.within_years.column}”不是）"
                    )
        return self

    @property
    def items(self) -> list[FormField]:
        """The fields or the columns."""
        return self.fields if self.kind == "fields" else self.columns


class CoverLine(_Model):
    """A line of the cover: its label and the field it shows (section.field), or blank."""

    label: Text
    field: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")] | None = None


class Cover(_Model):
    """The paper form's cover, for the printed PDF. `title` may contain {year} (the round's)."""

    title: Text
    number_label: str | None = None
    lines: list[CoverLine] = Field(default_factory=list)
    printed_by: str | None = None
    source: Source

    def title_for(self, *, year: int | None) -> str:
        """The title with its {year} filled (the round's year), never shown unfilled."""
        return self.title.replace("{year}", str(year) if year else "")

    @model_validator(mode="after")
    def _placeholders(self):
        for name in re.findall(r"\{([^}]*)\}", self.title):
            if name not in COVER_PLACEHOLDERS:
                raise ValueError(f"封面标题中的“{{{name}}}”不是可用的占位符（可用：{{year}}）")
        return self


class Instructions(_Model):
    """The notes for filling in (填表说明 / 注), in the order of the paper form."""

    title: Text = "填表说明"
    items: list[Text] = Field(min_length=1)
    source: Source


class Opinion(_Model):
    """A box for a staff opinion on the paper form (stamped and dated)."""

    code: Code
    title: Text
    role: Role
    scope: Scope
    stamp: bool = True
    signature: bool = False
    source: Source


class ChecklistItem(_Model):
    """One item of the material checklist (an upload)."""

    code: Code
    title: Text
    required: bool
    note: str | None = None
    source: Source


class Form(_Model):
    """The declaration form: ordered sections, staff opinions, checklist, cover, instructions."""

    cover: Cover | None = None
    instructions: Instructions | None = None
    sections: list[Section] = Field(min_length=1)
    opinions: list[Opinion] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)

    def field(self, path: str) -> FormField | None:
        """The field or column named "section.field", or None."""
        section_code, _, field_code = path.partition(".")
        for section in self.sections:
            if section.code == section_code:
                return next((f for f in section.items if f.code == field_code), None)
        return None
