"""Open one demo round per loaded programme (used by load_demo)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from programmes.models import Programme, Round


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
            round_, created = Round.objects.get_or_create(
                version__programme=programme,
                name=name,
                defaults={
                    "version": version,
                    "year": today.year,
                    "opens_on": today - timedelta(days=7),
                    "closes_on": today + timedelta(days=60),
                    "quota": quota.get("count"),
                    "status": Round.Status.OPEN,
                },
            )
            self.stdout.write(f"{round_.name}: {'新建' if created else '已存在'}")
