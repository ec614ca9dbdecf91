from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from articles.models import Article
from discussions.importers.jsonio import write_export


class Command(BaseCommand):
    help = "Write every article's discussion as JSON (crosstalk-discussions/1) to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--article", metavar="SLUG", help="only this article's discussion")

    def handle(self, *args, article=None, **options):
        articles = Article.objects.order_by("id")
        if article is not None:
            articles = articles.filter(slug=article)
            if not articles.exists():
                raise CommandError(
                    _("export_discussions: no article with the slug {slug!r}").format(slug=article)
                )
        write_export(self.stdout, articles.iterator(chunk_size=200))
