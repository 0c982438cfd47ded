"""The rule-set schema: one pydantic model for every programme file in fixtures/programmes/.

A rule set is data: who may apply (eligibility checks with parameters), what they fill in (the
form, in the order of the paper form, with its checklist, cover and instructions), the path
through review (workflow stages), how experts score (scoring), and what is paid and assessed
(benefits, assessments, adjustments: `programmes/benefit_rules.py`, agreed in
docs/ruleset-benefits-contract.md). Every rule names the clause of the policy text it encodes in
`source:`; clauses deliberately left out are listed in `not_encoded` with the reason.

Every model forbids unknown keys, so a misspelt key is an error, not a silently ignored rule.
`parse_ruleset` and `load_ruleset` raise `RuleSetError`, whose problems are (path, message)
pairs such as ("workflow.stages[3].kind", "...") -- with the line in the file when loaded from one.

The package: `base` (codes, `RuleSetError`), `form` and `schema` (the models), `consistency`
(checks across sections), `errors` (pydantic's errors as paths and Chinese messages),
`yaml_lines` (the strict YAML loader, also used for scenario files) and `parsing` (data, files
and uploads to a `RuleSet`). Every name is importable from `programmes.ruleset`.
"""

from programmes.ruleset.base import (
    CHOICE_TYPES,
    COVER_PLACEHOLDERS,
    NUMBER_TYPES,
    PREFILL_TYPES,
    SCHEMA_VERSION,
    TEXT_TYPES,
    Code,
    FieldType,
    Outcome,
    Prefill,
    Role,
    RuleSetError,
    Scope,
    Source,
    Text,
)
from programmes.ruleset.consistency import cross_field_problems
from programmes.ruleset.errors import format_path
from programmes.ruleset.form import (
    ChecklistItem,
    Choice,
    Cover,
    CoverLine,
    Form,
    FormField,
    Instructions,
    Opinion,
    Section,
    WithinYears,
)
from programmes.ruleset.parsing import (
    in_force_on,
    load_ruleset,
    load_ruleset_text,
    parse_ruleset,
    ruleset_digest,
)
from programmes.ruleset.schema import (
    ApplicationWindow,
    AppliesTo,
    BanRule,
    Channel,
    CheckRule,
    Condition,
    Criterion,
    Eligibility,
    Group,
    Groups,
    Identity,
    Indicator,
    InternalPublicity,
    NotEncoded,
    Priority,
    Quota,
    Reading,
    RoundRule,
    RuleSet,
    ScoreItem,
    Scoring,
    Sheet,
    Stage,
    Supersedes,
    TieRule,
    Window,
    Workflow,
)
from programmes.ruleset.yaml_lines import (
    RepeatedKeyError,
    StrictYaml,
    load_strict_yaml,
    read_strict_yaml,
)
from programmes.vocab import PUBLICITY_KINDS, ChannelCode, StageKind, UnitKind

__all__ = [
    "CHOICE_TYPES",
    "COVER_PLACEHOLDERS",
    "NUMBER_TYPES",
    "PREFILL_TYPES",
    "PUBLICITY_KINDS",
    "SCHEMA_VERSION",
    "TEXT_TYPES",
    "ApplicationWindow",
    "AppliesTo",
    "BanRule",
    "Channel",
    "ChannelCode",
    "CheckRule",
    "ChecklistItem",
    "Choice",
    "Code",
    "Condition",
    "Cover",
    "CoverLine",
    "Criterion",
    "Eligibility",
    "FieldType",
    "Form",
    "FormField",
    "Group",
    "Groups",
    "Identity",
    "Indicator",
    "Instructions",
    "InternalPublicity",
    "NotEncoded",
    "Opinion",
    "Outcome",
    "Prefill",
    "Priority",
    "Quota",
    "Reading",
    "RepeatedKeyError",
    "Role",
    "RoundRule",
    "RuleSet",
    "RuleSetError",
    "Scope",
    "ScoreItem",
    "Scoring",
    "Section",
    "Sheet",
    "Source",
    "Stage",
    "StageKind",
    "StrictYaml",
    "Supersedes",
    "Text",
    "TieRule",
    "UnitKind",
    "Window",
    "WithinYears",
    "Workflow",
    "cross_field_problems",
    "format_path",
    "in_force_on",
    "load_ruleset",
    "load_ruleset_text",
    "load_strict_yaml",
    "parse_ruleset",
    "read_strict_yaml",
    "ruleset_digest",
]
