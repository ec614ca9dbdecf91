from django.core.management.base import BaseCommand, CommandError

from discussions.importers.common import ImportFileError
from discussions.importers.disqus import import_disqus


class Command(BaseCommand):
    help = "Import a Disqus XML export: threads are matched to articles, posts become comments."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the XML file Disqus exported")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and report, then keep nothing"
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="create a draft article for each thread that matches none",
        )

    def handle(self, *args, file, dry_run=False, create_missing=False, **options):
        try:
            stats = import_disqus(
                file, out=self.stdout, dry_run=dry_run, create_missing=create_missing
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"import_disqus: {file}")
        for line in stats.summary_lines(dry_run=dry_run):
            self.stdout.write("  " + line)
