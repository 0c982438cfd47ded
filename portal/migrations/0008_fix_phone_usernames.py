"""Accounts registered by phone had the phone as their user name (plaintext beside the encrypted
column): each gets a generated user name; they sign in with the phone as before."""

import re
import secrets

from django.db import migrations

PHONE = re.compile(r"^\+?(86)?1\d{10}$")


def rename(apps, schema_editor):
    User = apps.get_model("portal", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for user in User.objects.only("pk", "username").iterator():
        if not PHONE.match(user.username or ""):
            continue
        candidate = f"u{secrets.token_hex(6)}"
        while candidate in taken:
            candidate = f"u{secrets.token_hex(6)}"
        taken.add(candidate)
        User.objects.filter(pk=user.pk).update(username=candidate)


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_enc_encrypt_existing")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
