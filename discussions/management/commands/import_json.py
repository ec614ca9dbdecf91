from django.core.management.base import BaseCommand, CommandError

from discussions.importers.common import ImportFileError
from discussions.importers.jsonio import import_document, read_document


class Command(BaseCommand):
    help = "Import discussions written by export_discussions (missing articles are created)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file in the crosstalk-discussions/1 format")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and report, then keep nothing"
        )

    def handle(self, *args, file, dry_run=False, **options):
        try:
            entries = read_document(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        stats = import_document(entries, dry_run=dry_run)
        self.stdout.write(f"import_json: {file}")
        for line in stats.summary_lines(dry_run=dry_run):
            self.stdout.write("  " + line)
