"""A fully and plausibly filled declaration for any rule set: for the demo, the PDF, benchmarks.

`demo_form_data(ruleset, on=day)` returns an `Application.data` dict (keyed by section code, see
the contract in applications/) that is valid under the form's types and limits: every required
field filled, texts within `max_length` (near `target_length` where one is given), choice codes
from the field's own choices, dated rows of "last N years" tables within those years, numbers
within `min_value`/`max_value`.

Nothing here names a programme: values are chosen by field code (the vocabulary the rule sets
share: `name`, `birth_date`, `skill_level`, `unit_name` ...), by the rule set's district and
applicant kind, and by the field's type and limits for anything else. Pure: no Django, no clock.
The texts, values and organisations are data: fixtures/demo/*.yaml, read once at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from stdnum.cn import ric, uscc

from programmes.ruleset import FormField, RuleSet, Section
from programmes.ruleset.yaml_lines import RepeatedKeyError, load_strict_yaml

# --- who the demo applicant is -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoUnit:
    name: str
    credit_prefix: str
    address: str
    postcode: str
    street: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    nature: str
    industry: str
    parent: str
    system: str

    @property
    def credit_code(self) -> str:
        return self.credit_prefix + uscc.calc_check_digit(self.credit_prefix)


_DEMO_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def _load(name: str) -> dict:
    """A file of fixtures/demo, read with the rule sets' strict YAML loader: a key given twice
    is refused (it would silently replace the first)."""
    path = _DEMO_DIR / name
    try:
        data = load_strict_yaml(path.read_text(encoding="utf-8"))
    except RepeatedKeyError as error:
        raise ValueError(f"{path}：{error}") from error
    return data


_units = _load("units.yaml")
# The demo organisations of portal/demo.py, by the district a rule set serves.
UNITS = {district: DemoUnit(**unit) for district, unit in _units["units"].items()}
# Organisation applicants of Songjiang apply as the demo training centre.
TRAINING_UNIT = DemoUnit(**_units["training_unit"])
UNIONS: dict[str, str] = _units["unions"]


def demo_unit(ruleset: RuleSet) -> DemoUnit:
    identity = ruleset.identity
    if identity.applicant_kind == "organisation" and identity.district == "songjiang":
        return TRAINING_UNIT
    return UNITS.get(identity.district, UNITS["songjiang"])


def demo_birth_date(on: date) -> date:
    """44 years old on `on`: within every age limit and far from retirement."""
    return date(on.year - 44, 6, 15)


def demo_id_number(birth: date, *, male: bool = True) -> str:
    """A resident ID number that checks (GB 11643-1999), registered in Xuhui, Shanghai."""
    sequence = "101" if male else "102"
    prefix = f"310104{birth:%Y%m%d}{sequence}"
    return prefix + ric.calc_check_digit(prefix + "0")


# --- texts and values (fixtures/demo/texts.yaml, values.yaml) -----------------------------------

_texts = _load("texts.yaml")
PERSON_POOL: list[str] = _texts["person_pool"]
ORGANISATION_POOL: list[str] = _texts["organisation_pool"]
TEXTS: dict[str, list[str]] = _texts["texts"]

_values = _load("values.yaml")
# Short values by field code (used when the type fits: text for text fields, a code for choices).
VALUES: dict[str, Any] = _values["values"]
# Preferred choice codes by field code, the first one the field offers is taken.
CHOICE_PREFERENCES: dict[str, list[str]] = _values["choice_preferences"]
MULTICHOICE_PREFERENCES: dict[str, list[str]] = _values["multichoice_preferences"]
# Booleans that are not "yes" for the demo applicant.
FALSE_FIELDS = set(_values["false_fields"])
# Rows of repeating tables by section code: (column code -> value); dates as (years ago, month,
# day), written [years ago, month, day] in the file.
ROWS: dict[str, list[dict[str, Any]]] = {
    section: [
        {
            column: tuple(value) if isinstance(value, list) else value
            for column, value in row.items()
        }
        for row in rows
    ]
    for section, rows in _values["rows"].items()
}


# --- the generator -----------------------------------------------------------------------------


def demo_form_data(ruleset: RuleSet, *, on: date) -> dict:
    """The whole declaration of a plausible applicant to `ruleset`, as of the day `on`."""
    context = _Context(ruleset, on)
    data: dict[str, Any] = {}
    for section in ruleset.form.sections:
        if section.kind == "fields":
            data[section.code] = {
                field.code: _value(context, section, field, row=None) for field in section.fields
            }
        else:
            data[section.code] = _rows(context, section)
    return data


class _Context:
    def __init__(self, ruleset: RuleSet, on: date):
        self.ruleset = ruleset
        self.on = on
        self.unit = demo_unit(ruleset)
        self.birth = demo_birth_date(on)
        self.district = ruleset.identity.district
        self.organisation = ruleset.identity.applicant_kind != "person"
        self.used_sentences: set[str] = set()


def _rows(context: _Context, section: Section) -> list[dict]:
    templates = ROWS.get(section.code) or [{} for _ in range(3)]
    count = len(templates)
    if section.max_rows is not None:
        count = min(count, section.max_rows)
    count = max(count, section.min_rows or 0)
    rows = []
    for index in range(count):
        template = templates[index % len(templates)]
        rows.append(
            {
                column.code: _value(context, section, column, row=(index, template))
                for column in section.columns
            }
        )
    return rows


def _years_ago(on: date, years: int, month: int, day: int) -> date:
    candidate = date(on.year - years, month, day)
    if candidate > on:
        candidate = date(on.year - years - 1, month, day)
    return candidate


def _value(context: _Context, section: Section, field: FormField, *, row) -> Any:
    template = row[1] if row else {}
    index = row[0] if row else 0
    if field.code in template:
        value = _from_template(context, section, field, template[field.code])
        if value is not None:
            return value
    elif template and not field.required:
        return ""  # a cell the row leaves blank (an ongoing job has no end date)
    return _by_code_or_type(context, section, field, index)


def _from_template(context: _Context, section: Section, field: FormField, raw: Any) -> Any:
    if field.type == "date" and isinstance(raw, tuple):
        day = _years_ago(context.on, *raw)
        if section.within_years and section.within_years.column == field.code:
            earliest = date(context.on.year - section.within_years.years, 12, 31)
            day = max(day, earliest) if day < earliest else day
        return day.isoformat()
    if field.type in ("choice",):
        codes = [c.code for c in field.choices]
        return raw if raw in codes else None
    if field.type == "bool":
        return bool(raw)
    if field.type == "integer" and isinstance(raw, int):
        return _clamp_int(field, raw)
    if field.type == "decimal" and isinstance(raw, str):
        return _clamp_decimal(field, raw)
    if field.type in ("text", "textarea") and isinstance(raw, str):
        return _fit(raw, field)
    return None


def _by_code_or_type(context: _Context, section: Section, field: FormField, index: int) -> Any:
    unit = context.unit
    code, kind = field.code, field.type
    if kind == "id_number":
        return demo_id_number(context.birth)
    if kind == "credit_code":
        return unit.credit_code
    if kind == "bank_account":
        return "6222020200112233446"  # a UnionPay card number with a valid check digit
    if kind == "email":
        return VALUES["email"] if not context.organisation else "hr@example.cn"
    if kind == "phone":
        if code in ("contact_phone",):
            return unit.contact_phone
        return VALUES.get(code, VALUES["mobile"])
    if kind == "date":
        return _date_for(context, section, field, index).isoformat()
    if kind == "bool":
        return code not in FALSE_FIELDS
    if kind == "integer":
        return _clamp_int(field, _integer_for(context, code))
    if kind == "decimal":
        return _clamp_decimal(field, _decimal_for(code))
    if kind == "choice":
        return _choice_for(context, field)
    if kind == "multichoice":
        return _multichoice_for(field)
    if kind == "textarea":
        return _textarea_for(context, field)
    return _fit(_text_for(context, section, field), field)


def _date_for(context: _Context, section: Section, field: FormField, index: int) -> date:
    on, birth = context.on, context.birth
    code = field.code
    if code == "birth_date":
        return birth
    if code == "fulltime_graduated_on":
        return date(on.year - 22, 7, 1)
    if code == "inservice_graduated_on":
        return date(on.year - 11, 7, 1)
    if code == "appointed_from":
        return date(on.year - 1, 1, 1)
    if code == "appointed_until":
        return date(on.year + 2, 12, 31)
    years = 1 + index
    if section.within_years:
        years = min(years, section.within_years.years - 1)
    return _years_ago(on, years, 5, 20)


def _integer_for(context: _Context, code: str) -> int:
    return {
        "headcount": 860,
        "bachelor_or_above": 215,
        "skilled_workers": 540,
        "years_of_work": context.on.year - context.birth.year - 22,
        "invention_patents": 2,
        "utility_model_patents": 6,
        "design_patents": 0,
        "trainee_count": 12,
        "rank": 1,
    }.get(code, 3)


def _decimal_for(code: str) -> str:
    return {
        "registered_capital": "5000.00",
        "monthly_income": "13500.00",
        "expected_income": "16000.00",
        "amount": "150000.00",
    }.get(code, "10000.00")


def _clamp_int(field: FormField, value: int) -> int:
    if field.min_value is not None and value < field.min_value:
        value = int(field.min_value)
    if field.max_value is not None and value > field.max_value:
        value = int(field.max_value)
    return value


def _clamp_decimal(field: FormField, value: str) -> str:
    number = Decimal(value)
    if field.min_value is not None and number < field.min_value:
        number = Decimal(field.min_value)
    if field.max_value is not None and number > field.max_value:
        number = Decimal(field.max_value)
    return f"{number:.2f}"


def _choice_for(context: _Context, field: FormField) -> str:
    codes = [c.code for c in field.choices]
    # A field about where the applicant is: the rule set's own district.
    if context.district in codes:
        return context.district
    for preferred in CHOICE_PREFERENCES.get(field.code, []):
        if preferred in codes:
            return preferred
    return codes[0]


def _multichoice_for(field: FormField) -> list[str]:
    codes = [c.code for c in field.choices]
    preferred = [c for c in MULTICHOICE_PREFERENCES.get(field.code, []) if c in codes]
    if preferred:
        return preferred
    if field.fact in ("organisation.conditions",) or field.code == "conditions":
        return codes
    if field.fact == "professional_conditions":
        return codes[:3]
    return [c for c in codes if c != "none"][:1] or codes[:1]


def _text_for(context: _Context, section: Section, field: FormField) -> str:
    unit, code, label = context.unit, field.code, field.label
    organisation_fields = {
        "unit_name": unit.name,
        "recommending_unit": unit.name,
        "employer": unit.name,
        "system": unit.system,
        "parent_unit": unit.parent,
        "registered_address": unit.address,
        "mailing_address": unit.address,
        "address": unit.address,
        "unit_address": unit.address,
        "home_address": unit.address.split("区")[0] + "区" + "文诚路518弄12号",
        "postcode": unit.postcode,
        "unit_postcode": unit.postcode,
        "home_postcode": unit.postcode,
        "contact_name": unit.contact_name,
        "contact_fax": unit.contact_phone,
        "legal_representative": unit.legal_representative,
        "competent_department": unit.street,
        "industry": unit.industry,
        "union_or_society": UNIONS.get(context.district, UNIONS["songjiang"]),
    }
    if code in organisation_fields:
        return organisation_fields[code]
    if code == "name" and context.organisation and section.code == "organisation":
        return unit.name
    if code in VALUES and isinstance(VALUES[code], str):
        return VALUES[code]
    if "名称" in label or "单位" in label:
        return unit.name
    if "地址" in label:
        return unit.address
    if "邮编" in label or "邮政编码" in label:
        return unit.postcode
    if "联系人" in label or "负责人" in label:
        return unit.contact_name
    return "详见附件材料"


def _textarea_for(context: _Context, field: FormField) -> str:
    pool = ORGANISATION_POOL if context.organisation else PERSON_POOL
    if field.target_length:
        low, high = field.target_length, field.max_length or field.target_length
    elif field.max_length:
        low, high = min(field.max_length // 2, 300), field.max_length
    else:
        low, high = (900, 1200) if field.code == "details" else (300, 600)
    if field.max_length:
        high = min(high, field.max_length)
    low = min(low, high)
    sentences = [s.format(unit=context.unit.name) for s in TEXTS.get(field.code, [])]
    text = ""
    for sentence in sentences:
        if len(text) + len(sentence) <= high:
            text += sentence
    if text and field.max_length and not field.target_length:
        return text  # the field's own text is enough where no length is asked for
    # Fill from the pool, preferring sentences not yet used in this declaration.
    fresh = [s for s in pool if s not in context.used_sentences and s not in text]
    for sentence in fresh + [s for s in pool if s not in fresh]:
        if len(text) >= low:
            break
        if sentence not in text and len(text) + len(sentence) <= high:
            text += sentence
            context.used_sentences.add(sentence)
    if not text:
        text = _fit(sentences[0] if sentences else pool[0], field)
    return text


def _fit(text: str, field: FormField) -> str:
    if field.max_length and len(text) > field.max_length:
        return (
            text[: field.max_length - 1] + "。"
            if field.type == "textarea"
            else text[: field.max_length]
        )
    return text
