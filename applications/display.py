"""The declaration as it is read on the pages: the rule set's sections with labelled values.

The applicant's read-only pages, the unit's, the admin and the review's pages show it the same way
(reviews.display re-exports it).

Experts never see ID-card, phone or bank fields; staff without full-identity rights see ID
numbers masked (portal.roles.FULL_IDENTITY_ROLES).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal import audit
from portal.identity import mask_id_number
from portal.scope import may_see_full_identity

SENSITIVE_TYPES = frozenset({"id_number", "phone"})


def is_sensitive(item) -> bool:
    """ID-card and phone fields, and any bank field (account, bank name)."""
    return (
        item.type in SENSITIVE_TYPES
        or "bank" in item.code
        or "银行" in item.label
        or "账号" in item.label
    )


@dataclass
class SectionView:
    code: str
    title: str
    kind: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)


def _value(item, value, *, full_identity: bool) -> str:
    if value in (None, "", []):
        return ""
    if item.type == "bool":
        return "是" if value else "否"
    labels = {choice.code: choice.label for choice in (item.choices or [])}
    if item.type == "choice":
        return labels.get(value, str(value))
    if item.type == "multichoice":
        return "、".join(labels.get(v, str(v)) for v in value)
    if item.type == "id_number" and not full_identity:
        return mask_id_number(str(value))
    return str(value)


def present(ruleset, data: dict, *, for_expert: bool, full_identity: bool) -> list[SectionView]:
    """The declaration's sections in paper order with the values filled in."""
    sections = []
    for section in ruleset.form.sections:
        items = [i for i in section.items if not (for_expert and is_sensitive(i))]
        view = SectionView(section.code, section.title, section.kind)
        content = data.get(section.code)
        if section.kind == "fields":
            content = content if isinstance(content, dict) else {}
            view.rows = [
                (i.label, _value(i, content.get(i.code), full_identity=full_identity))
                for i in items
            ]
        else:
            content = content if isinstance(content, list) else []
            view.columns = [i.label for i in items]
            view.table = [
                [_value(i, row.get(i.code), full_identity=full_identity) for i in items]
                for row in content
                if isinstance(row, dict)
            ]
        sections.append(view)
    return sections


def field_choices(ruleset) -> list[tuple[str, str]]:
    """("section.field", "section title·label") of every field and table, and
    ("material.item", "申报材料·title") of every material, for return reasons."""
    choices = []
    for section in ruleset.form.sections:
        if section.kind == "table":
            choices.append((section.code, section.title))
            continue
        for item in section.items:
            choices.append((f"{section.code}.{item.code}", f"{section.title}·{item.label}"))
    for material in ruleset.form.checklist:
        choices.append((f"material.{material.code}", f"申报材料·{material.title}"))
    return choices


def hidden_from_experts(ruleset, item_code: str) -> bool:
    """Whether an uploaded material (checklist item) is an ID card or a bank document, which an
    expert never sees."""
    if "id_card" in item_code or "bank" in item_code:
        return True
    for item in ruleset.form.checklist:
        if item.code == item_code:
            return "身份证" in item.title or "银行" in item.title
    return False


def readable(ruleset, data: dict, *, user, application) -> list[SectionView]:
    """The stored data as labelled sections for the read-only pages: the ID number in full only
    to the applicant and the roles that need it (a full view by staff is audited)."""
    full = may_see_full_identity(user, application)
    if full and application.applicant_id != user.pk:
        audit.record("view_full_id", user=user, obj=application)
    return present(ruleset, data, for_expert=False, full_identity=full)
