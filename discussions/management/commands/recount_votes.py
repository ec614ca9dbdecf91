import sys

from django.core.management.base import BaseCommand

from discussions.services import votes_recount


class Command(BaseCommand):
    help = "Check that every comment's up/down counters equal its vote rows (--repair fixes)."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix the counters that differ")

    def handle(self, *args, repair=False, **options):
        wrong = votes_recount(repair=repair)
        for pk, up, down, real_up, real_down in wrong:
            self.stdout.write(
                f"comment {pk}: stored {up} up / {down} down, votes say {real_up} / {real_down}"
                + (" (repaired)" if repair else "")
            )
        if wrong and not repair:
            sys.exit(1)
        if not wrong:
            self.stdout.write("all vote counters match the vote rows")
