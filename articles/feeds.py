from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Category


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = _("crosstalk: translated news and the discussions around it")
    subtitle = _("Stories from the Chinese and Korean press, with netizen comments in translation.")

    def link(self):
        return reverse("articles:home")

    def items(self):
        return Article.objects.published().order_by("-published_at")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # The Atom summary is type="html": a feed reader renders it as markup. The dek is
        # plain text, so it goes out escaped and reads exactly as written, inert.
        return escape(item.dek)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.translator or None


class CategoryFeed(LatestArticlesFeed):
    """The newest articles of one category."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj):
        return _("crosstalk: {category}").format(category=obj.name)

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Article.objects.published().filter(category=obj).order_by("-published_at")[:30]
