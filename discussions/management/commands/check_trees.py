import sys

from django.core.management.base import BaseCommand

from discussions.trees import broken_trees


class Command(BaseCommand):
    help = "Validate every comment tree; exit 1 with one line per broken tree."

    def handle(self, *args, **options):
        problems = broken_trees()
        for line in problems:
            self.stdout.write(line)
        if problems:
            sys.exit(1)
        self.stdout.write("all comment trees are sound")
