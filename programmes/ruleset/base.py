"""The rule-set schema's vocabulary of codes, its error, and the base model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Source = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]
Text = Annotated[str, Field(min_length=1)]

Role = Literal[
    "applicant",
    "unit_hr",
    "street_reviewer",
    "department_reviewer",
    "union_reviewer",
    "district_office",
    "expert",
    "coordination_group",
    "talent_office",
    "finance",
]
Scope = Literal["unit", "street", "department", "union", "district", "city"]
Outcome = Literal["pass", "return", "reject"]
FieldType = Literal[
    "text",
    "textarea",
    "date",
    "integer",
    "decimal",
    "choice",
    "multichoice",
    "bool",
    "id_number",
    "phone",
    "email",
    "credit_code",
    "bank_account",
]
TEXT_TYPES = ("text", "textarea")
NUMBER_TYPES = ("integer", "decimal")
CHOICE_TYPES = ("choice", "multichoice")
COVER_PLACEHOLDERS = ("year",)
# Where a field's first value comes from (applications.declaration.prefill_values): the signed-in
# account, the application's channel, or its unit. For a person applicant, a field filled from
# `account.real_name` or `account.id_number` must still name the account holder at submission.
Prefill = Literal[
    "account.real_name",
    "account.id_number",
    "account.phone",
    "account.email",
    "account.birth_date",
    "account.gender",
    "application.channel",
    "unit.name",
    "unit.credit_code",
]
PREFILL_TYPES = {
    "account.id_number": ("id_number",),
    "account.phone": ("phone",),
    "account.email": ("email",),
    "account.birth_date": ("date",),
    "account.gender": ("choice",),
    "application.channel": ("choice",),
    "unit.credit_code": ("credit_code",),
}


class RuleSetError(ValueError):
    """A rule set that is not valid: `problems` is a list of (path inside the file, message).

    `str()` gives one line per problem: "<file>: <path>: <message>". Constructed with a message
    and no problems (as the loader does to combine several files), `str()` is that message.
    """

    def __init__(self, source: str, problems: Iterable[tuple[str, str]] = ()):
        self.source = source
        self.problems = list(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.problems:
            return self.source
        return "\n".join(
            f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}"
            for path, message in self.problems
        )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _duplicates(values: Iterable) -> list:
    return [value for value, count in Counter(values).items() if count > 1]


def _repeated(items: Iterable, path: str, what: str, key: str = "code") -> list[tuple[str, str]]:
    """A problem at each item whose `key` repeats an earlier one: (path[i].key, message)."""
    seen: set = set()
    problems = []
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            problems.append((f"{path}[{index}].{key}", f"{what}“{value}”重复"))
        seen.add(value)
    return problems
