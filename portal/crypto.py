"""Personal data encrypted at rest (issue 16 item 3; PIPL art. 28: ID and financial accounts).

ID numbers, phones and bank accounts are Fernet tokens in the database, written with
django-fernet-encrypted-fields (jazzband): its keys are derived with PBKDF2 from `SECRET_KEY`
(and `SECRET_KEY_FALLBACKS`) and each of `SALT_KEY` (= `FIELD_ENCRYPTION_KEYS`, newest first);
the first key encrypts, every key decrypts.

- `EncryptedChar`: a column of its own (the user's ID number and phone, the award's payee
  fields). Its exact lookups go through its blind index when it has one
  (`filter(id_number=...)` compares `id_number_index` with the HMAC of the normalised value);
  every other lookup (`icontains`, ordering by the ciphertext ...) is refused, so no caller
  silently searches ciphertext.
- `BlindIndex`: HMAC-SHA256 with `BLIND_INDEX_KEY` over the normalised value (upper-case ID,
  the digits of a phone), kept beside the column and unique where the value must be. Look-ups
  also try `BLIND_INDEX_KEY_FALLBACKS`, so they keep working between an index-key change and
  `manage.py rotate_field_keys`.
- `DeclarationJSONField`: a declaration (`Application.data`, `ApplicationVersion.data`) stays
  JSON; only the values of its personal fields (rule-set field types `id_number`, `phone`,
  `bank_account`) become "fernet:<token>" strings, so every other key stays queryable.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups
from django.db.models.expressions import Col
from encrypted_fields.fields import EncryptedCharField, EncryptedTextField

logger = logging.getLogger("portal.crypto")

# The rule-set field types that hold personal data (programmes.ruleset.FieldType).
PERSONAL_TYPES = frozenset({"id_number", "phone", "bank_account"})
# The codes those types carry in the shipped rule sets (fixtures/programmes/*.yaml). They are
# encrypted in any declaration even when its rule set is not at hand (a queryset update, a
# migration's historical model); a rule set's own personal fields are added when it is.
PERSONAL_CODES = frozenset(
    {"id_number", "mobile", "contact_mobile", "contact_phone", "bank_account"}
)
TOKEN_PREFIX = "fernet:"  # noqa: S105 (a marker, not a secret)


# -- keys -------------------------------------------------------------------------------------


def _key_settings() -> tuple[tuple[str, ...], tuple[str, ...]]:
    salts = (
        settings.SALT_KEY if isinstance(settings.SALT_KEY, list | tuple) else [settings.SALT_KEY]
    )
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return tuple(secrets), tuple(salts)


@lru_cache(maxsize=8)
def _fernets(secrets: tuple[str, ...], salts: tuple[str, ...]) -> tuple[Fernet, MultiFernet]:
    # The library's own derivation (PBKDF2-SHA256, 100,000 rounds), read from the settings that
    # `secrets` and `salts` were taken from a moment ago.
    keys = EncryptedTextField().keys
    if getattr(settings, "FIELD_ENCRYPTION_DEVELOPMENT_KEYS", False):
        logger.warning(
            "Personal data is encrypted with the fixed development key (DEBUG=1, no "
            "FIELD_ENCRYPTION_KEYS / BLIND_INDEX_KEY): never use it for real data."
        )
    return Fernet(keys[0]), MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """Every configured key: the first encrypts, any decrypts."""
    return _fernets(*_key_settings())[1]


def primary_fernet() -> Fernet:
    """The first key alone (what `rotate_field_keys` re-encrypts with)."""
    return _fernets(*_key_settings())[0]


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("utf-8")


def decrypt(token: str) -> str:
    """The plaintext of a token; `InvalidToken` when no configured key opens it."""
    return fernet().decrypt(token.encode("utf-8")).decode("utf-8")


def is_current(token: str) -> bool:
    """Whether the token was written with the first key."""
    try:
        primary_fernet().decrypt(token.encode("utf-8"))
    except InvalidToken:
        return False
    return True


def looks_encrypted(value: str) -> bool:
    # Fernet tokens are url-safe base64 of a version byte 0x80: they start with "gAAAAA".
    return isinstance(value, str) and value.startswith("gAAAAA")


# -- blind indexes ----------------------------------------------------------------------------


def normalise(kind: str, value) -> str:
    """What is indexed: an ID number upper-case without spaces, a phone its digits only
    (a mobile written with the country code, +86 138..., as the 11 digits)."""
    text = "" if value is None else str(value)
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        return digits[2:] if len(digits) == 13 and digits.startswith("861") else digits
    return "".join(text.split()).upper()


def _hmac(key: str, kind: str, text: str) -> str:
    message = f"{kind}:{text}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def blind_index(kind: str, value) -> str | None:
    """The index of `value` under the current `BLIND_INDEX_KEY` (None for no value)."""
    text = normalise(kind, value)
    return _hmac(settings.BLIND_INDEX_KEY, kind, text) if text else None


def blind_indexes(kind: str, value) -> list[str]:
    """The index under the current key and under each of `BLIND_INDEX_KEY_FALLBACKS`."""
    text = normalise(kind, value)
    if not text:
        return []
    keys = [settings.BLIND_INDEX_KEY, *getattr(settings, "BLIND_INDEX_KEY_FALLBACKS", [])]
    return list(dict.fromkeys(_hmac(key, kind, text) for key in keys))


# -- declarations (JSON) ----------------------------------------------------------------------


def _get(obj, name):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def personal_codes(ruleset) -> frozenset[str]:
    """The codes of a rule set's personal fields and table columns, with the shipped ones.

    `ruleset`: a parsed rule set (programmes.ruleset.RuleSet) or its stored JSON.
    """
    codes = set(PERSONAL_CODES)
    form = _get(ruleset, "form") if ruleset is not None else None
    for section in _get(form, "sections") or ():
        for item in [*(_get(section, "fields") or ()), *(_get(section, "columns") or ())]:
            if _get(item, "type") in PERSONAL_TYPES and _get(item, "code"):
                codes.add(_get(item, "code"))
    return frozenset(codes)


def encrypt_declaration(data, codes=PERSONAL_CODES):
    """`data` with every non-empty value under a personal code a "fernet:" token (a copy)."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key in codes and isinstance(value, str | int) and not isinstance(value, bool):
                text = str(value)
                if text and not text.startswith(TOKEN_PREFIX):
                    value = TOKEN_PREFIX + encrypt(text)
            else:
                value = encrypt_declaration(value, codes)
            result[key] = value
        return result
    if isinstance(data, list):
        return [encrypt_declaration(value, codes) for value in data]
    return data


def decrypt_declaration(data):
    """`data` with every token opened; one no key opens stays as it is (and is logged)."""
    if isinstance(data, dict):
        return {key: decrypt_declaration(value) for key, value in data.items()}
    if isinstance(data, list):
        return [decrypt_declaration(value) for value in data]
    if isinstance(data, str) and data.startswith(TOKEN_PREFIX):
        try:
            return decrypt(data[len(TOKEN_PREFIX) :])
        except InvalidToken:
            logger.error("A declaration value could not be decrypted with any configured key")
    return data


def tokens_in(data):
    """Every "fernet:" token inside a stored declaration."""
    if isinstance(data, dict):
        for value in data.values():
            yield from tokens_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from tokens_in(value)
    elif isinstance(data, str) and data.startswith(TOKEN_PREFIX):
        yield data


# -- fields -----------------------------------------------------------------------------------


class _BlindIndexExact(lookups.Exact):
    """`field=value` on an encrypted column: its blind index against the value's indexes."""

    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        if self.rhs == "":
            lhs, params = compiler.compile(self.lhs)
            return f"{lhs} = %s", [*params, ""]
        index = field.model._meta.get_field(field.blind_index)
        lhs, params = compiler.compile(Col(self.lhs.alias, index))
        values = blind_indexes(index.kind, self.rhs)
        if not values:
            return "1 = 0", []
        marks = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({marks})", [*params, *values]


class _EmptyOnlyExact(lookups.Exact):
    """An encrypted column without a blind index compares only with the empty value."""

    def __init__(self, lhs, rhs):
        if rhs not in (None, ""):
            raise FieldError(
                f"{lhs.output_field.name} is encrypted and has no blind index: it cannot be "
                "looked up by value"
            )
        super().__init__(lhs, rhs)


class EncryptedChar(EncryptedCharField):
    """A text column stored as a Fernet token (the library's field, with the keys read per key
    set so a rotation or a settings override is seen at once; "" and NULL kept as they are).

    `blind_index`: the name of the sibling `BlindIndex` that exact look-ups use.
    """

    def __init__(self, *args, blind_index: str | None = None, **kwargs):
        self.blind_index = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
        return name, path, args, kwargs

    @property
    def f(self):  # the library caches its Fernet on the field for the life of the process
        return fernet()

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return super().get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _BlindIndexExact if self.blind_index else _EmptyOnlyExact
        raise FieldError(
            f"{self.name} is encrypted: only an exact look-up (through its blind index) works"
        )


class BlindIndex(models.CharField):
    """The HMAC of another field's normalised value, computed on every save from it."""

    def __init__(self, *args, source: str = "", kind: str = "", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for key, default in (
            ("max_length", 64),
            ("editable", False),
            ("null", True),
            ("blank", True),
        ):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(self.kind, getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def with_indexes(model, update_fields):
    """`update_fields` with the blind index of every encrypted field in it."""
    if update_fields is None:
        return None
    names = set(update_fields)
    for field in model._meta.concrete_fields:
        if isinstance(field, BlindIndex) and field.source in names:
            names.add(field.name)
    return names


class DeclarationJSONField(models.JSONField):
    """A declaration: JSON whose personal values are tokens (see `encrypt_declaration`).

    `ruleset_from`: the attribute path from the row to its rule-set version
    (programmes.ProgrammeVersion, e.g. "round.version"), whose personal fields are encrypted on
    save besides the shipped codes; any other write (an update) encrypts the shipped codes.
    """

    def __init__(self, *args, ruleset_from: str = "", **kwargs):
        self.ruleset_from = ruleset_from
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.ruleset_from:
            kwargs["ruleset_from"] = self.ruleset_from
        return name, path, args, kwargs

    def ruleset_of(self, model_instance):
        """The row's rule set (parsed, or its stored JSON on a migration's model), or None."""
        version = model_instance
        for name in self.ruleset_from.split(".") if self.ruleset_from else ():
            if getattr(version, f"{name}_id", True) is None:
                return None
            version = getattr(version, name, None)
            if version is None:
                return None
        if version is model_instance:
            return None
        return getattr(version, "ruleset", None) or getattr(version, "data", None)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        return encrypt_declaration(value, personal_codes(self.ruleset_of(model_instance)))

    def get_prep_value(self, value):
        return super().get_prep_value(encrypt_declaration(value))

    def from_db_value(self, value, expression, connection):
        return decrypt_declaration(super().from_db_value(value, expression, connection))
