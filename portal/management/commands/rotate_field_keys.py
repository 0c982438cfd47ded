"""Re-encrypt the personal data with the first key and rebuild the blind indexes.

After putting a new key first in `FIELD_ENCRYPTION_KEYS` (the old ones after it) or a new
`BLIND_INDEX_KEY` (the old one in `BLIND_INDEX_KEY_FALLBACKS`): every ID number, phone and bank
account column and every declaration is rewritten under the first key, and every blind index is
computed again from the decrypted value with the current index key (so the old index key is not
needed by the command itself; look-ups use the fallbacks until it has run). Batches by primary
key, each in its own transaction; safe to stop and run again (what is current is left alone).
Exit 1 when some value could not be decrypted with any configured key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal import field_keys


class Command(BaseCommand):
    help = "用当前第一个密钥重新加密身份证号、手机号和银行账号，并用当前索引密钥重建盲索引。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=field_keys.BATCH, help="每批处理的行数（默认 500）"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        counts = field_keys.rotate(using=options["database"], batch=options["batch"])
        for one in counts:
            self.stdout.write(str(one))
        failed = sum(one.failed for one in counts)
        changed = sum(one.encrypted + one.reencrypted + one.reindexed for one in counts)
        self.stdout.write(f"共处理 {changed} 项，无法解密 {failed} 项。")
        if failed:
            raise SystemExit(1)
