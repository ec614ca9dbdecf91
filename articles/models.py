import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.published().select_related("category").order_by("-published_at", "-id")


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
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    dek = models.TextField(
        _("dek"), blank=True, help_text=_("One or two sentences under the title.")
    )
    body = models.TextField(
        _("body"), help_text=_("HTML: paragraphs, headings, links, images with captions.")
    )
    source_name = models.CharField(_("source publication"), max_length=120, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_language = models.CharField(
        _("source language"), max_length=3, choices=Language.choices, default=Language.KOREAN
    )
    translator = models.CharField(_("translator"), max_length=120, blank=True)
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

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
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("translated text"))
    original_text = models.TextField(_("original text"), blank=True)
    upvotes = models.PositiveIntegerField(_("up votes on the platform"), null=True, blank=True)
    downvotes = models.PositiveIntegerField(_("down votes on the platform"), null=True, blank=True)
    translator_note = models.TextField(_("translator's note"), blank=True)

    class Meta:
        # Sections appear in the order of their first comment's position.
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_platform_display()} #{self.position}"


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
