import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from core.text import sanitize_article_html, strip_tags_text

# Words a reader gets through in a minute, for "N min read".
WORDS_PER_MINUTE = 230


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", args=[self.slug])


# What the admin's rich-text editor (django-prose-editor) offers for an article body: the
# elements core.text.ARTICLE_TAGS keeps, nothing more, so what an editor writes is what is
# published. No h1 (the page's title is the one h1), no classes, styles, colours or tables.
ARTICLE_BODY_EDITOR = {
    "Paragraph": True,
    "HardBreak": True,
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Blockquote": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HorizontalRule": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    "History": True,
}


def article_body_clean(html: str) -> str:
    """Return the editor's HTML sanitized for an article; an editor left empty (ProseMirror
    always sends one empty paragraph) gives an empty string, so "required" still holds."""
    html = sanitize_article_html(html)
    if not strip_tags_text(html) and "<img" not in html:
        return ""
    return html


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.published().select_related("category").order_by("-published_at", "-id")

    def by_translator(self, slug: str):
        """Return the published articles of the translator named by this slug, newest first."""
        return self.for_listing().filter(translator_slug=slug)


def slug_for_translator(name: str) -> str:
    """Return the slug of a translator's page for the name in a byline ("" for no page)."""
    return slugify(name, allow_unicode=True)[:120]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Language(models.TextChoices):
        KOREAN = "ko", _("Korean")
        CHINESE = "zh", _("Chinese")
        JAPANESE = "ja", _("Japanese")
        ENGLISH = "en", _("English")
        OTHER = "und", _("Other")

    title = models.CharField(_("title"), max_length=200)
    # The headline as the source publication wrote it, shown with lang=source_language.
    original_title = models.CharField(
        _("original headline"),
        max_length=300,
        blank=True,
        help_text=_("The source's headline in its own script (optional)."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    dek = models.TextField(
        _("dek"), blank=True, help_text=_("One or two sentences under the title.")
    )
    # Edited in the admin with django-prose-editor; sanitized by the form (article_body_clean)
    # and again by save(), whoever writes it.
    body = ProseEditorField(
        _("body"),
        config={"extensions": ARTICLE_BODY_EDITOR},
        sanitize=article_body_clean,
        help_text=_("Paragraphs, headings, links, quotes, lists, images with captions."),
    )
    source_name = models.CharField(_("source publication"), max_length=120, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_language = models.CharField(
        _("source language"), max_length=3, choices=Language.choices, default=Language.KOREAN
    )
    # The translator is the name in the byline; their page (/translators/<slug>/) is named
    # by translator_slug, which save() derives from it. Why a name and not a Translator model:
    # every writer of an article gives a name (the admin, WXR's dc:creator, import_json, the
    # demo seed, the tests' factories), so the name stays the one source of truth and no
    # import has to match or create profile rows; the page is one indexed query on the
    # derived slug. A bio can come with a Translator model keyed by this same slug, without
    # migrating the articles again.
    translator = models.CharField(_("translator"), max_length=120, blank=True)
    translator_slug = models.SlugField(
        max_length=120, blank=True, editable=False, db_index=True, allow_unicode=True
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    comments_open = models.BooleanField(_("comments open"), default=True)
    premoderation = models.BooleanField(
        _("pre-moderate comments"),
        default=False,
        help_text=_("Hold every new comment for a moderator before it is shown."),
    )
    close_comments_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the site default. 0: never close automatically."),
    )
    # Bumped with F() in the same transaction as every write to the discussion; it names the
    # cached fragments, so a write makes every older fragment unreachable at once.
    discussion_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Visible comments, recounted in SQL by every discussion write (discussions.services).
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Where an imported article came from ("wxr", …) and its id there.
    import_source = models.CharField(max_length=20, blank=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Every save (the admin's, an import's) keeps a whole copy of the row, with who made it
    # (simple_history's HistoryRequestMiddleware): the admin's history, and the public
    # corrections log, are built on these revisions. The counters above move by UPDATE, so
    # comments and votes add no revision. The admin never reverts to one (ArticleAdmin): that
    # would move discussion_version back to a name already used by cached fragments.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["import_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="article_unique_external_id",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The body is editor HTML; it is stored sanitized so no page ever renders it raw.
        self.body = sanitize_article_html(self.body)
        self.translator_slug = slug_for_translator(self.translator)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def get_translator_url(self) -> str:
        """Return the path of the translator's page, or "" when the byline names nobody."""
        if not self.translator_slug:
            return ""
        return reverse("articles:translator", args=[self.translator_slug])

    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    def comments_close_at(self):
        """Return when comments close automatically, or None when they never do."""
        days = self.close_comments_after_days
        if days is None:
            days = settings.CROSSTALK["COMMENTS_CLOSE_AFTER_DAYS"]
        if not days:
            return None
        return self.published_at + timedelta(days=days)

    def accepts_comments(self) -> bool:
        closes = self.comments_close_at()
        return (
            self.comments_open and self.is_public() and (closes is None or timezone.now() < closes)
        )

    def reading_minutes(self) -> int:
        words = len(strip_tags_text(self.body).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


class SourceComment(models.Model):
    """A netizen comment from the source platform, shown in translation."""

    class Platform(models.TextChoices):
        NAVER = "naver", "Naver"
        DAUM = "daum", "Daum"
        NATE = "nate", "Nate"
        DC_INSIDE = "dcinside", "DC Inside"
        WEIBO = "weibo", "Weibo"
        TIANYA = "tianya", "Tianya"
        BAIDU = "baidu", "Baidu Tieba"
        NETEASE = "netease", "NetEase"
        ZHIHU = "zhihu", "Zhihu"
        OTHER = "other", _("Other")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_comments")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    # The language the comment was written in (its lang on the page): often the article's,
    # not always (a Korean Naver comment under a Chinese story). Empty means the article's,
    # and save() writes that down, so a stored row always names its language.
    language = models.CharField(
        _("original language"),
        max_length=3,
        choices=Article.Language.choices,
        blank=True,
        help_text=_("Empty: the article's source language."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("translated text"))
    original_text = models.TextField(_("original text"), blank=True)
    upvotes = models.PositiveIntegerField(_("up votes on the platform"), null=True, blank=True)
    downvotes = models.PositiveIntegerField(_("down votes on the platform"), null=True, blank=True)
    translator_note = models.TextField(_("translator's note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        # Sections appear in the order of their first comment's position.
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_platform_display()} #{self.position}"

    def save(self, *args, **kwargs):
        if not self.language:
            self.language = self.article.source_language
        super().save(*args, **kwargs)


class ArticleVisit(models.Model):
    """When a signed-in reader last read an article, to highlight what is new since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="visits")
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_visit_row_per_reader")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.article_id} at {self.last_seen_at:%Y-%m-%d %H:%M}"
