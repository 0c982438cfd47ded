"""The declaration form, built from a rule set's `form` (no programme is written here).

Each `fields` section becomes a Django form, each `table` section a formset; both are prefixed
with the section code so one page holds the whole declaration. Drafts are lenient: whatever the
applicant typed is kept (a value that does not validate is stored as typed and shown with its
message), so nothing is ever lost; submission is strict (`required`, every check).

Application.data, the shape shared with the PDF forms and the review pages:
`{section_code: {field_code: value}}` for a `fields` section and
`{section_code: [{column_code: value}, ...]}` for a `table` section; values are JSON-native
(dates as "YYYY-MM-DD", decimals as strings, multichoice as a list of codes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from applications.form_fields import (
    PHONE,
    TableFormSet,
    clean_bank_account,
    form_field,
    from_json,
    section_form_class,
    to_json,
    years_before,
)
from portal.identity import birth_date_of, gender_of, mask_id_number

# Re-exported: the form fields moved to applications.form_fields.
__all__ = [
    "PHONE",
    "UNIT_KIND_FACT",
    "Declaration",
    "Known",
    "as_post",
    "clean_bank_account",
    "facts_from_data",
    "form_field",
    "from_json",
    "identity_mismatches",
    "missing_materials",
    "prefilled",
    "problem_list",
    "section_form_class",
    "to_json",
    "years_before",
]

# Unit.Kind of the portal -> the `unit_kind` fact of programmes.facts.
UNIT_KIND_FACT = {
    "enterprise": "enterprise",
    "public_institution": "public_institution",
    "school": "vocational_college",
    "training_institution": "training_institution",
    "industrial_park": "industrial_park",
    "association": "industry_association",
}


@dataclass
class Declaration:
    """The bound forms of one declaration, built from the rule set and the submitted data."""

    ruleset: Any
    strict: bool = False
    today: date | None = None
    sections: list = field(default_factory=list)

    @classmethod
    def from_post(cls, ruleset, post, *, strict=False, today=None) -> Declaration:
        declaration = cls(ruleset, strict, today)
        for section in ruleset.form.sections:
            form_class = section_form_class(section)
            kwargs = {"strict": strict, "today": today}
            if section.kind == "table":
                formset_class = forms.formset_factory(
                    form_class, formset=TableFormSet, extra=0, can_delete=True
                )
                formset_class.section = section
                bound = formset_class(post, prefix=section.code, form_kwargs=kwargs)
                bound.strict = strict
            else:
                bound = form_class(post, prefix=section.code, **kwargs)
            declaration.sections.append((section, bound))
        return declaration

    @classmethod
    def from_data(cls, ruleset, data: dict, *, strict=False, today=None) -> Declaration:
        """Bind stored data, so a draft shows its messages when it is opened again."""
        return cls.from_post(ruleset, as_post(ruleset, data), strict=strict, today=today)

    def is_valid(self) -> bool:
        return all(bound.is_valid() for _, bound in self.sections)

    def data(self) -> dict:
        """The values to store: cleaned where valid, else as typed (nothing is lost)."""
        stored: dict = {}
        for section, bound in self.sections:
            bound.is_valid()
            if section.kind == "table":
                rows = []
                for row in bound.forms:
                    if not row.has_changed() or bound._should_delete_form(row):
                        continue
                    rows.append(_values(section.columns, row))
                stored[section.code] = rows
            else:
                stored[section.code] = _values(section.fields, bound)
        return stored

    def errors(self) -> dict[str, list[str]]:
        """Messages by input name (`section-field`, `section-0-column`, `section` for a table)."""
        found: dict[str, list[str]] = {}
        for section, bound in self.sections:
            bound.is_valid()
            if section.kind == "table":
                for index, row in enumerate(bound.forms):
                    for name, messages in row.errors.items():
                        key = f"{section.code}-{index}-{name}"
                        found[key] = list(messages)
                if bound.non_form_errors():
                    found[section.code] = list(bound.non_form_errors())
            else:
                for name, messages in bound.errors.items():
                    key = section.code if name == "__all__" else f"{section.code}-{name}"
                    found[key] = list(messages)
        return found


def _values(items, form) -> dict:
    values = {}
    cleaned = getattr(form, "cleaned_data", {}) or {}
    for item in items:
        if item.code in form.errors or item.code not in cleaned:
            raw = (
                form.data.getlist(form.add_prefix(item.code))
                if item.type == "multichoice"
                else (form.data.get(form.add_prefix(item.code), ""))
            )
            values[item.code] = raw
        else:
            values[item.code] = to_json(cleaned[item.code])
    return {k: v for k, v in values.items() if v not in ("", None, [])}


def as_post(ruleset, data: dict):
    """Stored data as the POST the page would send (to bind forms and formsets)."""
    post = QueryDict(mutable=True)
    for section in ruleset.form.sections:
        stored = data.get(section.code)
        if section.kind == "table":
            rows = stored if isinstance(stored, list) else []
            post[f"{section.code}-TOTAL_FORMS"] = str(len(rows))
            post[f"{section.code}-INITIAL_FORMS"] = "0"
            for index, row in enumerate(rows):
                for item in section.columns:
                    _put(post, f"{section.code}-{index}-{item.code}", item, row.get(item.code))
        else:
            values = stored if isinstance(stored, dict) else {}
            for item in section.fields:
                _put(post, f"{section.code}-{item.code}", item, values.get(item.code))
    return post


def _put(post, name: str, item, value) -> None:
    if value in (None, ""):
        return
    if item.type == "multichoice":
        post.setlist(name, [str(v) for v in (value if isinstance(value, list) else [value])])
    else:
        post[name] = str(from_json(item, value))


def field_values(ruleset, data: dict) -> dict[str, Any]:
    """Every plain field's stored value by code (the last section wins on a repeated code)."""
    values = {}
    for section in ruleset.form.sections:
        if section.kind == "fields":
            values.update(data.get(section.code) or {})
    return values


def facts_from_data(ruleset, data: dict, *, unit=None) -> dict:
    """The eligibility facts the applicant stated on the form (fields with `fact:`).

    A table named `awards` with columns `awarded_on`, `level` and `kind` gives the `awards`
    fact. The unit's kind gives `unit_kind` when the form does not ask for it. Values that do not
    validate are left out, so the check asks for them ("缺少…信息") rather than misjudge them.
    """
    facts: dict[str, Any] = {}
    organisation: dict[str, Any] = {}
    for section in ruleset.form.sections:
        stored = data.get(section.code)
        if section.kind == "table":
            codes = {c.code for c in section.columns}
            if section.code == "awards" and {"awarded_on", "level", "kind"} <= codes:
                facts["awards"] = [
                    {"date": r["awarded_on"], "level": r["level"], "kind": r["kind"]}
                    for r in (stored or [])
                    if isinstance(r, dict)
                    and r.get("awarded_on")
                    and r.get("level")
                    and r.get("kind")
                ]
            continue
        for item in section.fields:
            if not item.fact or not isinstance(stored, dict) or item.code not in stored:
                continue
            value = _fact_value(item, stored[item.code])
            if value is None:
                continue
            head, _, tail = item.fact.partition(".")
            if head == "organisation":
                organisation[tail] = value
            else:
                facts[head] = value
    if organisation:
        facts["organisation"] = organisation
    if unit is not None and "unit_kind" not in facts:
        kind = UNIT_KIND_FACT.get(unit.kind)
        if kind:
            facts["unit_kind"] = kind
    return facts


def _fact_value(item, value):
    if value in ("", None):
        return None
    if item.type == "bool":
        return value if isinstance(value, bool) else {"true": True, "false": False}.get(value)
    if item.type == "multichoice":
        return value if isinstance(value, list) else None
    if item.type == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return None
    if item.type == "choice" and value not in {c.code for c in item.choices}:
        return None
    return value


def missing_materials(ruleset, items_uploaded: set[str]) -> list:
    """The checklist's required items not yet uploaded."""
    return [c for c in ruleset.form.checklist if c.required and c.code not in items_uploaded]


# --- what the portal already knows: the account, the channel, the unit ---------------------


@dataclass(frozen=True)
class Known:
    """What the portal knows of an application before anything is typed (for `prefill:`)."""

    real_name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    channel: str = ""
    unit_name: str = ""
    unit_credit_code: str = ""


def _known_value(item, known: Known) -> Any:
    source = item.prefill
    if source == "account.birth_date" and known.id_number:
        return birth_date_of(known.id_number).isoformat()
    if source == "account.gender" and known.id_number:
        value = gender_of(known.id_number)
        return value if value in {c.code for c in item.choices} else None
    if source == "application.channel":
        return known.channel if known.channel in {c.code for c in item.choices} else None
    attribute = {
        "account.real_name": "real_name",
        "account.id_number": "id_number",
        "account.phone": "phone",
        "account.email": "email",
        "unit.name": "unit_name",
        "unit.credit_code": "unit_credit_code",
    }.get(source or "")
    return getattr(known, attribute) or None if attribute else None


def prefilled(ruleset, data: dict, known: Known, *, overwrite: bool = False) -> dict:
    """`data` with every `prefill:` field filled from what the portal knows.

    Only empty fields are filled unless `overwrite`: what the applicant typed is kept.
    """
    result = {
        key: (dict(value) if isinstance(value, dict) else value) for key, value in data.items()
    }
    for section in ruleset.form.sections:
        if section.kind != "fields":
            continue
        values = result.get(section.code)
        values = values if isinstance(values, dict) else {}
        for item in section.fields:
            value = _known_value(item, known) if item.prefill else None
            if value is not None and (overwrite or values.get(item.code) in (None, "", [])):
                values[item.code] = value
        if values:
            result[section.code] = values
    return result


def _same_name(a: str, b: str) -> bool:
    return "".join(str(a).split()).replace("·", "") == "".join(str(b).split()).replace("·", "")


def identity_mismatches(ruleset, data: dict, known: Known) -> dict[str, list[str]]:
    """Inputs of a person's form that name someone other than the account holder.

    A person applies for himself or herself (the declaration is signed 本人承诺…); the name and
    the ID number the form states must be the account's, else the form is someone else's.
    """
    if ruleset.identity.applicant_kind != "person":
        return {}
    found: dict[str, list[str]] = {}
    for section in ruleset.form.sections:
        if section.kind != "fields":
            continue
        values = data.get(section.code) if isinstance(data.get(section.code), dict) else {}
        for item in section.fields:
            stated = values.get(item.code)
            if not stated:
                continue
            key = f"{section.code}-{item.code}"
            if item.prefill == "account.real_name" and known.real_name:
                if not _same_name(stated, known.real_name):
                    found[key] = [
                        _(
                            "%(label)s“%(stated)s”与账号实名“%(name)s”不一致：本人申报只能填写本人信息。"
                        )
                        % {"label": item.label, "stated": stated, "name": known.real_name}
                    ]
            if item.prefill == "account.id_number" and known.id_number:
                if str(stated).strip().upper() != known.id_number:
                    found[key] = [
                        _(
                            "%(label)s与账号登记的身份证号码（%(masked)s）不一致：本人申报只能填写本人"
                            "信息；如账号登记有误，请联系区人社局更正。"
                        )
                        % {"label": item.label, "masked": mask_id_number(known.id_number)}
                    ]
    return found


def problem_list(ruleset, problems: dict[str, list[str]]) -> list[dict]:
    """What stops a submission, each message with where it is (section, table, row, field) and
    the anchor of that place on the page, in the order of the page: the form's sections first,
    then the eligibility checks, then the materials."""
    places: dict[str, tuple[int, str]] = {}
    for order, section in enumerate(ruleset.form.sections):
        if section.kind == "table":
            places[section.code] = (order, _("%(s)s（表格）") % {"s": section.title})
        for item in section.items:
            places[f"{section.code}-{item.code}"] = (order, f"{section.title} · {item.label}")
    materials = {c.code: c.title for c in ruleset.form.checklist}
    tail = len(ruleset.form.sections)
    listed = []
    for name, messages in problems.items():
        order, where = places.get(name, (None, ""))
        if order is None and name.count("-") >= 2:  # a table's cell: section-row-column
            section_code, row, column = name.split("-", 2)
            order, column_place = places.get(f"{section_code}-{column}", (None, ""))
            if order is not None and row.isdigit():
                title, _sep, label = column_place.partition(" · ")
                where = _("%(t)s 第%(n)s行 · %(c)s") % {"t": title, "n": int(row) + 1, "c": label}
        if order is None:
            if name.startswith("material-"):
                order, where = (
                    tail + 2,
                    _("申报材料 · %(m)s")
                    % {"m": materials.get(name.removeprefix("material-"), "")},
                )
            elif name.startswith("warn_reason-"):
                order, where = tail + 1, _("资格预审 · 情况说明")
            else:
                order, where = tail, _("申报条件")
        for message in messages:
            listed.append(
                {"order": order, "where": where, "message": message, "anchor": name or "checks"}
            )
    listed.sort(key=lambda p: p["order"])  # stable: within a place, the order found
    return listed
