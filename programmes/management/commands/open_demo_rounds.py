"""Open one demo round per loaded programme (used by load_demo)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from programmes.models import Programme, Round
from programmes.rounds import open_round


class Command(BaseCommand):
    help = "为每个已导入的人才项目开设一个演示用的开放申报批次（已有则保留）。"

    def handle(self, *args, **options):
        today = timezone.localdate()
        for programme in Programme.objects.all():
            version = programme.latest_version
            if version is None:
                continue
            name = f"{today.year}年度{programme.name}申报（演示）"
            quota = (version.data.get("scoring") or {}).get("quota") or {}
            existing = Round.objects.filter(version__programme=programme, name=name).first()
            if existing is not None:
                self.stdout.write(f"{existing.name}: 已存在")
                continue
            try:
                round_ = open_round(
                    version=version,
                    name=name,
                    year=today.year,
                    opens_on=today - timedelta(days=7),
                    closes_on=today + timedelta(days=60),
                    quota=quota.get("count"),
                )
            except ValidationError as exc:
                # a text not in force today, or its round rules, allow no round now
                reasons = "；".join(m for ms in exc.message_dict.values() for m in ms)
                self.stdout.write(f"{programme.name}: 不开设演示批次（{reasons}）")
                continue
            self.stdout.write(f"{round_.name}: 新建")
