"""Render every comment's stored markup again (after the thread template's comment macros
changed): `manage.py render_comments`; `--check` only reports the comments whose stored
markup is out of date and exits non-zero when there are any."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from discussions.markup import refresh, stale
from discussions.models import Comment


class Command(BaseCommand):
    help = _("Render the stored markup of every comment again.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Change nothing; fail when any comment's stored markup is out of date."),
        )

    def handle(self, *args, check=False, **options):
        if check:
            found = stale(Comment._base_manager.all())
            if found:
                shown = ", ".join(str(pk) for pk in found[:20])
                raise CommandError(
                    _("{count} comments have out-of-date markup: {ids}").format(
                        count=len(found), ids=shown
                    )
                )
            self.stdout.write(_("Every comment's stored markup is up to date."))
            return
        count = refresh(Comment._base_manager.all())
        self.stdout.write(_("Rendered {count} comments.").format(count=count))
