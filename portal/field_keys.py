"""Encrypting, re-encrypting and decrypting the stored personal data in place.

Used by the migrations that encrypted the existing rows (and, backwards, decrypt them again) and
by `manage.py rotate_field_keys`. Each table is walked in primary-key batches; the stored text is
read as it is in the database (raw SQL, so a token no configured key opens is seen as such, not
passed through as the library's reads do) and written back through the ORM, which encrypts with
the first key of `FIELD_ENCRYPTION_KEYS` and so works on a migration's historical models too.

Writes are plain `UPDATE`s by primary key: none of these tables is append-only (the PostgreSQL
triggers of portal/append_only.py guard only `applications_applicationevent` and
`portal_auditlog`, which hold no personal data), so frozen versions can be re-encrypted in place;
their content (what was submitted) does not change, only its ciphertext.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import connections, models, transaction
from django.db.models import Value

from portal import crypto

BATCH = 500


@dataclass
class Counts:
    """What one pass over one column did."""

    label: str
    encrypted: int = 0  # plaintext found and encrypted
    reencrypted: int = 0  # under an older key, now under the first
    reindexed: int = 0  # blind index recomputed (rows whose index was stale)
    current: int = 0  # already under the first key with a current index
    failed: int = 0  # a token no configured key opens (left as it is)

    def __str__(self) -> str:
        return (
            f"{self.label}: 加密 {self.encrypted}，重新加密 {self.reencrypted}，"
            f"重建索引 {self.reindexed}，无需处理 {self.current}，无法解密 {self.failed}"
        )


def _batches(model, columns: list[str], *, using: str, batch: int) -> Iterator[list[tuple]]:
    connection = connections[using]
    quote = connection.ops.quote_name
    pk = model._meta.pk.column
    selected = ", ".join(quote(c) for c in [pk, *columns])
    # Only quoted names from the model's _meta are interpolated; the values are parameters.
    table = quote(model._meta.db_table)
    sql = (
        f"SELECT {selected} FROM {table} "  # noqa: S608
        f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s"
    )
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last, batch])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _index_field(model, field):
    name = getattr(field, "blind_index", None)
    return model._meta.get_field(name) if name else None


# What a pass makes of one batch of rows: (pk, change) for each row it looked at; a change
# that is empty counts the row as current, None leaves it as it is (already counted).
Rewrite = Callable[[list[tuple], Counts], Iterator[tuple[int, dict | None]]]


def _rewrite(model, name: str, rewrite: Rewrite, *, columns=(), using: str, batch: int) -> Counts:
    """Walk `model.name` (and `columns`) in batches, each in one transaction, and write back
    what `rewrite` changes."""
    field = model._meta.get_field(name)
    counts = Counts(f"{model._meta.db_table}.{field.column}")
    manager = model._base_manager.using(using)
    for rows in _batches(model, [field.column, *columns], using=using, batch=batch):
        with transaction.atomic(using=using):
            for pk, change in rewrite(rows, counts):
                if change:
                    manager.filter(pk=pk).update(**change)
                elif change is not None:
                    counts.current += 1
    return counts


def encrypt_column(model, name: str, *, using: str = "default", batch: int = BATCH) -> Counts:
    """Every value of `model.name` under the first key, its blind index current."""
    index = _index_field(model, model._meta.get_field(name))

    def rewrite(rows, counts):
        for pk, stored, *stored_index in rows:
            change: dict = {}
            if stored in (None, ""):
                plain = stored
            elif crypto.looks_encrypted(stored):
                try:
                    plain = crypto.decrypt(stored)
                except InvalidToken:
                    counts.failed += 1
                    yield pk, None
                    continue
                if not crypto.is_current(stored):
                    change[name] = plain
                    counts.reencrypted += 1
            else:
                plain = stored
                change[name] = plain
                counts.encrypted += 1
            if index is not None:
                wanted = crypto.blind_index(index.kind, plain)
                if stored_index[0] != wanted:
                    change[index.name] = wanted
                    if name not in change:
                        counts.reindexed += 1
            yield pk, change

    columns = [index.column] if index else []
    return _rewrite(model, name, rewrite, columns=columns, using=using, batch=batch)


def decrypt_column(model, name: str, *, using: str = "default", batch: int = BATCH) -> Counts:
    """Every value of `model.name` back to plaintext (a migration's way back)."""

    def rewrite(rows, counts):
        for pk, stored in rows:
            if not crypto.looks_encrypted(stored or ""):
                continue
            try:
                plain = crypto.decrypt(stored)
            except InvalidToken:
                counts.failed += 1
                continue
            counts.encrypted += 1
            yield pk, {name: Value(plain, output_field=models.TextField())}

    return _rewrite(model, name, rewrite, using=using, batch=batch)


def _loaded(stored):
    if isinstance(stored, bytes | bytearray | memoryview):
        stored = bytes(stored).decode("utf-8")
    return json.loads(stored) if isinstance(stored, str) else stored


def _rotated(data, codes, counts: Counts):
    """(data with every personal value under the first key, whether anything changed)."""
    if isinstance(data, dict):
        changed, result = False, {}
        for key, value in data.items():
            if key in codes and isinstance(value, str | int) and not isinstance(value, bool):
                text = str(value)
                if text and not text.startswith(crypto.TOKEN_PREFIX):
                    value, changed = crypto.TOKEN_PREFIX + crypto.encrypt(text), True
                    counts.encrypted += 1
                    result[key] = value
                    continue
            value, inner = _rotated(value, codes, counts)
            result[key], changed = value, changed or inner
        return result, changed
    if isinstance(data, list):
        pairs = [_rotated(value, codes, counts) for value in data]
        return [value for value, _ in pairs], any(inner for _, inner in pairs)
    if isinstance(data, str) and data.startswith(crypto.TOKEN_PREFIX):
        token = data[len(crypto.TOKEN_PREFIX) :]
        if crypto.is_current(token):
            return data, False
        try:
            plain = crypto.decrypt(token)
        except InvalidToken:
            counts.failed += 1
            return data, False
        counts.reencrypted += 1
        return crypto.TOKEN_PREFIX + crypto.encrypt(plain), True
    return data, False


def encrypt_declarations(model, name: str, *, using: str = "default", batch: int = BATCH) -> Counts:
    """Every personal value inside `model.name` (a declaration) under the first key: the
    shipped codes (`crypto.PERSONAL_CODES`) and the personal fields of each row's rule set."""
    rulesets = _rulesets(model, model._meta.get_field(name), using=using)

    def rewrite(rows, counts):
        of_row = rulesets([pk for pk, _ in rows])
        for pk, stored in rows:
            codes = crypto.personal_codes(of_row.get(pk))
            data, changed = _rotated(_loaded(stored), codes, counts)
            yield pk, {name: data} if changed else {}

    return _rewrite(model, name, rewrite, using=using, batch=batch)


def decrypt_declarations(model, name: str, *, using: str = "default", batch: int = BATCH) -> Counts:
    """Every token inside `model.name` back to plaintext (a migration's way back)."""

    def rewrite(rows, counts):
        for pk, stored in rows:
            data = _loaded(stored)
            if not any(crypto.tokens_in(data)):
                continue
            counts.encrypted += 1
            plain = Value(crypto.decrypt_declaration(data), output_field=models.JSONField())
            yield pk, {name: plain}

    return _rewrite(model, name, rewrite, using=using, batch=batch)


def _rulesets(model, field, *, using: str) -> Callable[[list[int]], dict[int, object]]:
    """Each row's rule set JSON (the version `field.ruleset_from` names), each version read
    once; no rule set when the field names none."""
    names = field.ruleset_from.split(".") if getattr(field, "ruleset_from", "") else []
    if not names:
        return lambda pks: {}
    version_model = model
    for part in names:
        version_model = version_model._meta.get_field(part).related_model
    path = "__".join(names)
    cache: dict[int, object] = {}

    def rulesets(pks: list[int]) -> dict[int, object]:
        rows = model._base_manager.using(using).filter(pk__in=pks).values_list("pk", path)
        version_of = dict(rows)
        missing = {v for v in version_of.values() if v is not None and v not in cache}
        if missing:
            versions = version_model._base_manager.using(using).filter(pk__in=missing)
            cache.update(versions.values_list("pk", "data"))
        return {pk: cache.get(version) for pk, version in version_of.items()}

    return rulesets


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) of the installed apps that holds encrypted personal data."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, crypto.EncryptedChar | crypto.DeclarationJSONField):
                found.append((model, field))
    return found


def rotate(*, using: str = "default", batch: int = BATCH) -> list[Counts]:
    """Every encrypted value under the first key, every blind index under the current key."""
    counts = []
    for model, field in encrypted_fields():
        if isinstance(field, crypto.DeclarationJSONField):
            counts.append(encrypt_declarations(model, field.name, using=using, batch=batch))
        else:
            counts.append(encrypt_column(model, field.name, using=using, batch=batch))
    return counts
