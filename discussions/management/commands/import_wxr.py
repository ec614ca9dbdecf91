from django.core.management.base import BaseCommand, CommandError

from discussions.importers.common import ImportFileError
from discussions.importers.wxr import import_wxr


class Command(BaseCommand):
    help = "Import a WordPress WXR export: posts become articles, with their comment trees."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the WXR (.xml) file WordPress exported")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and report, then keep nothing"
        )

    def handle(self, *args, file, dry_run=False, **options):
        try:
            stats = import_wxr(file, out=self.stdout, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"import_wxr: {file}")
        for line in stats.summary_lines(dry_run=dry_run):
            self.stdout.write("  " + line)
