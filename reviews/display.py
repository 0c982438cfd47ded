"""The declaration as reviewers read it: applications.display, kept under this name for reviews'
modules (the presentation belongs to the declaration, which sits below the review)."""

from applications.display import (
    SENSITIVE_TYPES,
    SectionView,
    field_choices,
    hidden_from_experts,
    is_sensitive,
    present,
)

__all__ = [
    "SENSITIVE_TYPES",
    "SectionView",
    "field_choices",
    "hidden_from_experts",
    "is_sensitive",
    "present",
]
