from django.core.management.base import BaseCommand
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMail
from outbox.tasks import deliver


class Command(BaseCommand):
    help = (
        "Enqueue delivery of every queued mail that is due and has no delivery task waiting "
        "(a task lost, or never enqueued). The worker start script runs it; safe to repeat."
    )

    def handle(self, *args, **options):
        # Only tasks waiting to run count: a task left "running" by a worker that was killed
        # will never finish. Enqueueing a mail that a live worker is sending is harmless:
        # deliver skips rows that are locked or no longer queued.
        waiting = {
            args_kwargs["args"][0]
            for args_kwargs in DBTaskResult.objects.filter(
                task_path=deliver.module_path, status=TaskResultStatus.READY
            )
            .values_list("args_kwargs", flat=True)
            .iterator()
            if args_kwargs.get("args")
        }
        due = OutgoingMail.objects.due().order_by("pk").values_list("pk", flat=True)
        requeued = 0
        for mail_id in due.iterator():
            if mail_id not in waiting:
                deliver.enqueue(mail_id)
                requeued += 1
        if options["verbosity"]:
            self.stdout.write(
                ngettext("Requeued {n} mail.", "Requeued {n} mails.", requeued).format(n=requeued)
            )
