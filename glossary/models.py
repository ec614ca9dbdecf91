"""The glossary of untranslatable terms: the terms, the version that names their set in cache
keys, and the index of the articles each term appears in."""

import uuid

import nh3
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from core.text import ALLOWED_URL_SCHEMES, sanitize_comment_html, validate_plain_text

# A definition is one sentence shown in a popover: emphasis and quotes, no links or blocks
# (a tooltip holds nothing to click).
DEFINITION_TAGS = {"em", "strong", "i", "b", "q", "cite"}
DEFINITION_MAX_LENGTH = 300


def definition_clean(html: str) -> str:
    """Return a definition with only inline emphasis kept."""
    return nh3.clean(html, tags=DEFINITION_TAGS, attributes={}, url_schemes=ALLOWED_URL_SCHEMES)


class TermQuerySet(models.QuerySet):
    def for_linking(self):
        """The columns a page needs to link terms: one query, no relation."""
        return self.only(
            "term", "romanisation", "other_spellings", "language", "definition", "slug"
        )

    def for_glossary_page(self):
        """Every term with its related terms and the published articles it appears in, in
        three queries whatever the number of terms."""
        published = (
            Article.objects.published().only("title", "slug").order_by("-published_at", "-id")
        )
        return self.prefetch_related(
            models.Prefetch("related", queryset=Term.objects.only("term", "slug", "romanisation")),
            models.Prefetch("articles", queryset=published),
        ).order_by("language", "romanisation", "term")


class Term(models.Model):
    term = models.CharField(
        _("term"), max_length=100, help_text=_("In its original script: 内卷, 꼰대.")
    )
    romanisation = models.CharField(
        _("romanisation"),
        max_length=150,
        help_text=_("Pinyin or Revised Romanization: nèijuǎn, kkondae."),
    )
    other_spellings = models.CharField(
        _("other spellings"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated: other romanisations or scripts that also link the term."),
    )
    language = models.CharField(
        _("language"),
        max_length=3,
        choices=Article.Language.choices,
        default=Article.Language.CHINESE,
    )
    definition = models.TextField(
        _("definition"),
        max_length=DEFINITION_MAX_LENGTH,
        help_text=_("One sentence. Emphasis (<em>, <strong>) is kept, other HTML removed."),
        validators=[validate_plain_text],
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Optional: usage, history, examples. Paragraphs, emphasis and links."),
        validators=[validate_plain_text],
    )
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related terms"))
    articles = models.ManyToManyField(
        Article, through="ArticleTerm", related_name="glossary_terms", blank=True
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("The anchor on the glossary page; empty: made from the romanisation."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["language", "romanisation", "term"]
        constraints = [
            models.UniqueConstraint(fields=["term", "language"], name="glossary_term_unique"),
        ]

    def __str__(self):
        return f"{self.term} ({self.romanisation})"

    def save(self, *args, **kwargs):
        # Stored sanitised, whoever writes it, so no page ever shows it raw.
        self.definition = definition_clean(self.definition).strip()
        self.note = sanitize_comment_html(self.note) if self.note.strip() else ""
        if not self.slug:
            self.slug = self.default_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("glossary:index") + f"#term-{self.slug}"

    def default_slug(self) -> str:
        return slugify(self.romanisation) or slugify(self.term, allow_unicode=True) or "term"

    def spellings(self) -> list[str]:
        """Return every spelling that links this term: the original script, the
        romanisation, the other spellings (none empty, no repeats, as written)."""
        found = [self.term, self.romanisation, *self.other_spellings.split(",")]
        seen = {}
        for spelling in found:
            spelling = " ".join(spelling.split())
            if spelling and spelling.lower() not in seen:
                seen[spelling.lower()] = spelling
        return list(seen.values())


class GlossaryState(models.Model):
    """One row: the version of the term set, a new random value on every change of a term.

    Random rather than counted: a change rolled back must never leave a number that a later,
    different change takes again (a worker would keep the old term set under it)."""

    ROW = 1
    version = models.CharField(max_length=32)

    def __str__(self):
        return self.version

    @classmethod
    def bump(cls) -> str:
        version = uuid.uuid4().hex
        if not cls.objects.filter(pk=cls.ROW).update(version=version):
            cls.objects.update_or_create(pk=cls.ROW, defaults={"version": version})
        return version


class ArticleTerm(models.Model):
    """That a term is used (linked) in an article's body or source comments.

    An index, kept by glossary.index: rebuilt for an article when it or one of its source
    comments is saved, and for the articles a term may touch when the term changes. It makes
    the glossary page's article lists one query instead of a scan of every article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "term"], name="glossary_article_term")
        ]
        indexes = [models.Index(fields=["term", "article"])]

    def __str__(self):
        return f"{self.term_id} in {self.article_id}"
