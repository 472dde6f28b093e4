from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sigportal.models import WorkerHeartbeat


class Command(BaseCommand):
    help = "Exit non-zero when no worker has recorded a heartbeat recently (used by the beat health check)."

    def add_arguments(self, parser):
        parser.add_argument("--max-age-minutes", type=int, default=15)

    def handle(self, *args, max_age_minutes, **options):
        beat = WorkerHeartbeat.objects.latest_beat()
        if beat is None:
            raise CommandError("No worker heartbeat recorded yet.")
        age = timezone.now() - beat.created_at
        if age > timedelta(minutes=max_age_minutes):
            raise CommandError(f"Last worker heartbeat is {int(age.total_seconds() // 60)} minutes old.")
        self.stdout.write(f"Last worker heartbeat {int(age.total_seconds())} seconds ago.")
