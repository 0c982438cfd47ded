"""Eligibility checks: a registry of pure functions over an applicant's facts.

Each check is registered under the code a rule set names (`eligibility.checks[].code`) with a
pydantic model of its parameters, so a rule set with a misspelt parameter is rejected when it is
loaded. A check answers `pass`, or `fail` for a violation; `evaluate` maps a violation to the
severity the rule set gives (`warn` where the text says 一般 / 原则上, `fail` where it admits no
exception) and adds the clause. A check whose facts are missing answers `fail` with
"缺少…信息" and the names of the missing facts in `missing`, whatever the severity: the form
asks for them before the application can go on.

Dates come in as arguments (`on`: the application date); nothing here reads a clock, the
database or settings. Retirement dates follow the 2024 reform (`programmes.retirement`).

The package: `registry` (results, `register`, `REGISTRY`, labels), `personal` and `organisation`
(the checks, registered on import), `evaluation` (`evaluate`, `assess`, `policy_in_force`,
`not_barred`). Every name is importable from `programmes.eligibility`.
"""

from programmes.eligibility.evaluation import (
    Finding,
    applies,
    assess,
    effective_params,
    eligible,
    evaluate,
    not_barred,
    policy_in_force,
    validate_params,
)
from programmes.eligibility.organisation import (
    KindsParams,
    organisation_condition,
    organisation_district,
    organisation_kind,
)
from programmes.eligibility.personal import (
    AwardKind,
    AwardParams,
    ChannelParams,
    ConditionParams,
    DistrictsParams,
    EmploymentParams,
    NationalityParams,
    RanksParams,
    SkillParams,
    WindowParams,
    WorkingAgeParams,
    YearsParams,
    application_window,
    award_within_years,
    channel_allowed,
    employer_district,
    employment_status,
    excluded_position,
    front_line,
    legal_working_age,
    local_title,
    max_age,
    nationality,
    not_retired,
    professional_condition,
    skill_level,
    union_member,
    years_to_retirement,
)
from programmes.eligibility.registry import (
    DISTRICT_LABELS,
    EMPLOYMENT_LABELS,
    FACT_LABELS,
    POSITION_LABELS,
    REGISTRY,
    Check,
    CheckResult,
    NoParams,
    Params,
    Result,
    full_years,
    register,
)
from programmes.vocab import CHANNEL_LABELS

__all__ = [
    "CHANNEL_LABELS",
    "DISTRICT_LABELS",
    "EMPLOYMENT_LABELS",
    "FACT_LABELS",
    "POSITION_LABELS",
    "REGISTRY",
    "AwardKind",
    "AwardParams",
    "ChannelParams",
    "Check",
    "CheckResult",
    "ConditionParams",
    "DistrictsParams",
    "EmploymentParams",
    "Finding",
    "KindsParams",
    "NationalityParams",
    "NoParams",
    "Params",
    "RanksParams",
    "Result",
    "SkillParams",
    "WindowParams",
    "WorkingAgeParams",
    "YearsParams",
    "application_window",
    "applies",
    "assess",
    "award_within_years",
    "channel_allowed",
    "effective_params",
    "eligible",
    "employer_district",
    "employment_status",
    "evaluate",
    "excluded_position",
    "front_line",
    "full_years",
    "legal_working_age",
    "local_title",
    "max_age",
    "nationality",
    "not_barred",
    "not_retired",
    "organisation_condition",
    "organisation_district",
    "organisation_kind",
    "policy_in_force",
    "professional_condition",
    "register",
    "skill_level",
    "union_member",
    "validate_params",
    "years_to_retirement",
]
