"""Encrypt the ID numbers, phones and bank accounts inside the existing declarations.

Drafts (`Application.data`) and frozen versions (`ApplicationVersion.data`) alike: the fields of
each row's rule set whose type is `id_number`, `phone` or `bank_account` (and the shipped codes,
portal.crypto.PERSONAL_CODES). Frozen versions are not append-only (no trigger guards them), so
they are updated in place. Backwards: the tokens are decrypted again.
"""

from django.db import migrations

from portal import field_keys


def encrypt(apps, schema_editor):
    for name in ("Application", "ApplicationVersion"):
        model = apps.get_model("applications", name)
        field_keys.encrypt_declarations(model, "data", using=schema_editor.connection.alias)


def decrypt(apps, schema_editor):
    for name in ("Application", "ApplicationVersion"):
        model = apps.get_model("applications", name)
        field_keys.decrypt_declarations(model, "data", using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_enc_encrypted_columns"),
        ("programmes", "0003_merge_authz_rules"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]
