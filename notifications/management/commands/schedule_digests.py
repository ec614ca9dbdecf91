"""`manage.py schedule_digests`: make sure tomorrow's (or today's) digest run is queued.

The task worker's start script runs it; it is idempotent: one queued run at most.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from notifications.tasks import mail_digests, next_digest_time


class Command(BaseCommand):
    help = "Queue the daily notification digest at the next DIGEST_HOUR unless it is queued."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="send today's digests now, then schedule the next"
        )

    def handle(self, *args, now=False, **options):
        if now:
            sent = mail_digests.call()
            self.stdout.write(f"{sent} digest(s) queued")
            return
        queued = DBTaskResult.objects.filter(
            Q(status="READY") | Q(status="RUNNING"), task_path=mail_digests.module_path
        ).exists()
        if not queued:
            mail_digests.using(run_after=next_digest_time()).enqueue()
