"""Encrypt the users' existing ID numbers and phones and fill their blind indexes.

Backwards: decrypt them again (with the keys configured when it runs). A migration of its own so
that on PostgreSQL the row updates never share a transaction with the ALTER TABLEs around them.
"""

from django.db import migrations

from portal import field_keys


def encrypt(apps, schema_editor):
    user = apps.get_model("portal", "User")
    for name in ("id_number", "phone"):
        field_keys.encrypt_column(user, name, using=schema_editor.connection.alias)


def decrypt(apps, schema_editor):
    user = apps.get_model("portal", "User")
    for name in ("id_number", "phone"):
        field_keys.decrypt_column(user, name, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_enc_encrypted_columns"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]
