"""Encrypt the awards' existing payee ID numbers and bank accounts (backwards: decrypt)."""

from django.db import migrations

from portal import field_keys

FIELDS = ("person_id_number", "person_account", "unit_account")


def encrypt(apps, schema_editor):
    award = apps.get_model("subsidies", "Award")
    for name in FIELDS:
        field_keys.encrypt_column(award, name, using=schema_editor.connection.alias)


def decrypt(apps, schema_editor):
    award = apps.get_model("subsidies", "Award")
    for name in FIELDS:
        field_keys.decrypt_column(award, name, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0005_enc_encrypted_columns"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]
