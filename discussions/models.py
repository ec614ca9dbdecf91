from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from accounts.models import public_name
from articles.models import Article

# Longest comment body a reader may post, in characters.
MAX_BODY_LENGTH = 10_000
# How long after posting its author may still edit a comment.
EDIT_WINDOW = timedelta(minutes=15)


def edit_window_open(created_at: datetime, now: datetime | None = None) -> bool:
    """Return whether a comment posted at created_at may still be edited by its author."""
    return (now or timezone.now()) - created_at <= EDIT_WINDOW


def edit_window_message() -> str:
    """Return the rule of the edit window in words, with its length from EDIT_WINDOW."""
    minutes = int(EDIT_WINDOW.total_seconds() // 60)
    return ngettext(
        "Only its author can edit a comment, within {n} minute of posting it.",
        "Only its author can edit a comment, within {n} minutes of posting it.",
        minutes,
    ).format(n=minutes)


def author_name(*, display_name: str, username: str, guest_name: str) -> str:
    """Return the name shown for a comment's author: the account's public name, else the
    guest's name, else "Anonymous" (translated)."""
    if username:
        return public_name(display_name=display_name, username=username)
    return guest_name or gettext("Anonymous")


class PolicyRule(models.Model):
    """One numbered rule of the published Comment Policy."""

    # Rules the code applies by name (the spam action cites the rule coded "spam"); the
    # number is the editors' to change.
    SPAM = "spam"

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("explanation"))
    code = models.SlugField(
        _("code"),
        max_length=40,
        blank=True,
        help_text=_('A stable name the site applies this rule by ("spam"); usually empty.'),
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="policy_rule_unique_code"
            )
        ]

    def __str__(self):
        return _("Rule {number}: {title}").format(number=self.number, title=self.title)

    def get_absolute_url(self):
        return reverse("discussions:policy") + f"#rule-{self.number}"


class PolicyVersion(models.Model):
    """A dated snapshot of the whole Comment Policy; a new one is made whenever rules change."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("published"), default=timezone.now)
    rules = models.JSONField(_("rules"), default=list)  # [{"number", "title", "body"}]

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"

    def __str__(self):
        return _("Policy version {number} ({date})").format(
            number=self.number, date=self.created_at.date().isoformat()
        )


def shown_to_q(user) -> models.Q:
    """Return the condition for the comments a reader sees: the visible ones, and the ones
    awaiting moderation to their author and to moderators."""
    shown = models.Q(status=Comment.Status.VISIBLE)
    if user is None or not user.is_authenticated:
        return shown
    if user.is_moderator:
        return shown | models.Q(status=Comment.Status.PENDING)
    return shown | models.Q(status=Comment.Status.PENDING, author_id=user.pk)


class ImportSource(models.TextChoices):
    """The systems comments (and their articles) are imported from: Comment.import_source and
    Article.import_source, named as a moderator reads them."""

    WXR = "wxr", _("WordPress")
    DISQUS = "disqus", _("Disqus")
    JSON = "json", _("a crosstalk export")


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the comments this reader sees (anyone, for user None)."""
        return self.filter(shown_to_q(user))


class Comment(MPTTModel):
    """A reader's comment; each top-level comment is the root of its own mptt tree.

    lft, rght, level and tree_id are written only by discussions.services, under
    PostgreSQL advisory locks: never save a Comment's position anywhere else.
    """

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Awaiting moderation")
        REMOVED = "removed", _("Removed by a moderator")
        SPAM = "spam", _("Spam")
        DELETED = "deleted", _("Deleted by its author")

    # Its indexes are in Meta: every column indexed here is rewritten in each index whenever
    # mptt moves the row (a reply moves every later comment of its thread), so none repeats
    # another's leading column and the rarely set foreign keys index only the rows setting them.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        db_index=False,
    )
    # The netizen comment this one answers ("Reply to this" on a source comment): a
    # reference, never a copy; of the same article (discussions.services.comment_post).
    source_comment = models.ForeignKey(
        "articles.SourceComment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("quoted source comment"),
        db_index=False,
    )
    # Imported comments from guests carry a name instead of an account.
    guest_name = models.CharField(_("guest name"), max_length=100, blank=True)
    # Private: never rendered on a public page or exported.
    guest_email = models.EmailField(_("guest email"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    body = models.TextField(_("body"), max_length=MAX_BODY_LENGTH)
    body_html = models.TextField(_("rendered body"), editable=False)
    # Its markup in the thread, rendered when it is written (discussions.markup).
    markup = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)
    # The rule a moderator applied when removing it (shown in its placeholder).
    status_rule = models.ForeignKey(
        PolicyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    # Why screening held it for review, in words shown to its author and moderators.
    hold_reason = models.CharField(_("held because"), max_length=300, blank=True)
    is_featured = models.BooleanField(_("editors' pick"), default=False)
    featured_at = models.DateTimeField(null=True, blank=True)
    # Where an imported comment came from (an ImportSource value) and its id there, so a
    # re-import recognises it.
    import_source = models.CharField(max_length=20, blank=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True, editable=False)
    # mptt's nested-set fields, declared here so the indexes below can name them.
    lft = models.PositiveIntegerField(editable=False)
    rght = models.PositiveIntegerField(editable=False)
    tree_id = models.PositiveIntegerField(editable=False)
    level = models.PositiveIntegerField(editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["article", "status"]),
            models.Index(fields=["article", "level"]),
            # The tree alone, not (tree_id, lft): no index holds lft, rght or anything else
            # a reply's move rewrites, so PostgreSQL moves a row in place (a HOT update, no
            # index touched) when its page has room (fillfactor, migration 0012). Pages of a
            # discussion are read by article and sorted, which this does not change.
            models.Index(fields=["tree_id"], name="comment_tree"),
            # An author's comments, newest first (profiles, screening's rate windows).
            models.Index(fields=["author", "created_at"], name="comment_author_created"),
            models.Index(
                fields=["source_comment"],
                name="comment_source_comment",
                condition=models.Q(source_comment__isnull=False),
            ),
            models.Index(
                fields=["status_rule"],
                name="comment_status_rule",
                condition=models.Q(status_rule__isnull=False),
            ),
            # Editors' picks (pages.featured_comments): a handful per article, newest first.
            models.Index(
                fields=["article", "-featured_at"],
                name="comment_featured",
                condition=models.Q(is_featured=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lft__lt=models.F("rght")), name="comment_lft_lt_rght"
            ),
            models.UniqueConstraint(
                fields=["import_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="comment_unique_external_id",
            ),
        ]

    def __str__(self):
        return _("Comment {id} by {name}").format(id=self.pk, name=self.display_name)

    def get_absolute_url(self):
        return reverse("discussions:permalink", args=[self.pk])

    def save_base(self, *args, update_fields=None, **kwargs):
        """Save it with its stored markup rendered afresh when a field the markup shows
        changes."""
        from discussions import markup

        if update_fields is None or markup.RENDERED_FIELDS & set(update_fields):
            self.markup = markup.for_comment(self)
            if update_fields is not None:
                update_fields = {*update_fields, "markup"}
        return super().save_base(*args, update_fields=update_fields, **kwargs)

    def held_because(self) -> str:
        """Return why it awaits moderation, in words: screening's or an edit's reason, or the
        export it was pending in ("" when nothing says)."""
        if self.hold_reason:
            return self.hold_reason
        if self.status == self.Status.PENDING and self.import_source:
            return gettext("Pending when imported from {source}").format(
                source=self.imported_from()
            )
        return ""

    def imported_from(self) -> str:
        """Return the system an imported comment came from, in words ("" for one posted here)."""
        if self.import_source in ImportSource.values:
            return str(ImportSource(self.import_source).label)
        return self.import_source

    @property
    def display_name(self) -> str:
        author = self.author if self.author_id else None
        return author_name(
            display_name=author.display_name if author else "",
            username=author.username if author else "",
            guest_name=self.guest_name,
        )

    def is_visible(self) -> bool:
        return self.status == self.Status.VISIBLE

    def is_in_discussion(self) -> bool:
        """Return whether it still stands in the discussion, shown or awaiting review (not
        removed, spam or deleted): its author may still change it, readers may reply to it."""
        return self.status in IN_DISCUSSION

    def takes_reactions(self) -> bool:
        """Return whether readers may vote on it or flag it at all: a visible comment of a
        public article."""
        return self.is_visible() and self.article.is_public()

    def is_votable_by(self, user) -> bool:
        """Return whether the user may vote on it: anyone signed in but its author."""
        return self.takes_reactions() and user.is_authenticated and user.pk != self.author_id

    def is_flaggable_by(self, user) -> bool:
        """Return whether the user may flag it (the same readers as may vote on it)."""
        return self.is_votable_by(user)

    def is_editable_by(self, user, now=None) -> bool:
        """Return whether the user may edit it: its author, while the edit window is open."""
        return (
            user.is_authenticated
            and user.pk == self.author_id
            and self.is_in_discussion()
            and edit_window_open(self.created_at, now)
        )

    def is_deletable_by(self, user) -> bool:
        return user.is_authenticated and user.pk == self.author_id and self.is_in_discussion()


# The statuses of a comment that still stands in the discussion (Comment.is_in_discussion),
# for what asks it of a status alone (stored markup, queries).
IN_DISCUSSION = (Comment.Status.VISIBLE, Comment.Status.PENDING)

# mptt gives every tree model that lacks one an index on (tree_id, lft); the comments keep no
# index on lft (see Meta.indexes), so it is taken out again.
Comment._meta.indexes = [
    index for index in Comment._meta.indexes if tuple(index.fields) != ("tree_id", "lft")
]


class Vote(models.Model):
    class Value(models.IntegerChoices):
        UP = 1, _("Up")
        DOWN = -1, _("Down")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_vote_per_user"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_value_pm1"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.value:+d} on {self.comment_id}"


class CommentRevision(models.Model):
    """An earlier text of an edited comment, kept for moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self):
        return f"revision of {self.comment_id} replaced {self.replaced_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A reader's report that a comment breaks a rule."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    # None once the reader deleted their account: the flag still counts, it names nobody.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
    )
    rule = models.ForeignKey(PolicyRule, on_delete=models.PROTECT, related_name="flags")
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_flag_per_user"),
        ]

    def __str__(self):
        return f"flag on {self.comment_id} by {self.user_id} (rule {self.rule_id})"


class ScreeningWord(models.Model):
    """A word or phrase that screening rejects (banned) or holds for review (suspect)."""

    class Kind(models.TextChoices):
        BANNED = "banned", _("Banned: reject the comment")
        SUSPECT = "suspect", _("Suspect: hold the comment for review")

    phrase = models.CharField(_("word or phrase"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    rule = models.ForeignKey(
        PolicyRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The Comment Policy rule cited to the author."),
    )

    class Meta:
        ordering = ["kind", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["phrase", "kind"], name="unique_screening_phrase")
        ]

    def __str__(self):
        return f"{self.phrase} ({self.kind})"


class SanctionQuerySet(models.QuerySet):
    def in_force(self, now=None):
        """Return the sanctions in force: not lifted, and a ban or a suspension not yet over."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            models.Q(kind=Sanction.Kind.BAN) | models.Q(until__gt=now)
        )

    def in_force_of(self, user, now=None):
        """Return the user's sanctions in force, the one that counts (a ban, else the longest
        suspension) first; user may be an OuterRef, for an annotation."""
        return self.in_force(now).filter(user=user).order_by("kind", "-until")

    def in_force_for(self, user, now=None):
        """Return the user's sanction in force (a ban first), with its rule, or None."""
        return self.in_force_of(user, now).select_related("rule").first()


class Sanction(models.Model):
    """A suspension (until a date) or a ban (no end) of a user."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Suspension")
        BAN = "ban", _("Ban")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    until = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Required for a suspension.")
    )
    # The public reason: the Comment Policy rule it applies (shown to the reader and in the
    # public log). Required for every new sanction; rows older than rules may have none.
    rule = models.ForeignKey(
        PolicyRule,
        on_delete=models.PROTECT,
        null=True,
        related_name="sanctions",
        verbose_name=_("rule"),
    )
    # Private: for moderators only (the admin), never on a public page or in the public log.
    reason = models.CharField(
        _("private note for moderators"),
        max_length=300,
        blank=True,
        help_text=_("Seen by moderators only; the reader and the public see the rule."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.user}"

    def is_lifted(self) -> bool:
        return self.lifted_at is not None

    def is_in_force(self, now=None) -> bool:
        """Return whether it applies now, as SanctionQuerySet.in_force says (one query)."""
        return Sanction.objects.in_force(now).filter(pk=self.pk).exists()


class ModerationAction(models.Model):
    """One line of the append-only moderation log."""

    class Source(models.TextChoices):
        MODERATOR = "moderator", _("a moderator")
        FLAGS = "flags", _("reader flags")
        SCREENING = "screening", _("screening")

    # What the public log says for a screening code ("automatic: link limit").
    SCREENING_LABELS = {
        "links": _("link limit"),
        "new_account": _("new account"),
        "suspect_word": _("wording check"),
        "premoderation": _("pre-moderated article"),
    }

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved")
        REMOVE = "remove", _("removed")
        SPAM = "spam", _("marked as spam")
        HOLD = "hold", _("held for review")
        FEATURE = "feature", _("featured")
        UNFEATURE = "unfeature", _("unfeatured")
        SUSPEND = "suspend", _("suspended a user")
        BAN = "ban", _("banned a user")
        LIFT = "lift", _("lifted a sanction")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for automatic actions (flags, screening)."),
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(PolicyRule, on_delete=models.SET_NULL, null=True, blank=True)
    # The rule as it read when applied, and the policy version it belonged to.
    rule_number = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_title = models.CharField(max_length=120, blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True
    )
    # Moderators only (the admin): a moderator's note or a sanction's private note.
    note = models.CharField(max_length=500, blank=True)
    # Who decided, as a role: the public log names this, never the moderator.
    source = models.CharField(
        max_length=12, choices=Source.choices, default=Source.MODERATOR, editable=False
    )
    # An automatic step's detail: the screening code ("links"), or the number of reader flags.
    code = models.CharField(max_length=40, blank=True, editable=False)
    flag_count = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        # Append-only: a logged action is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise ValueError("moderation log entries cannot be changed")
        super().save(*args, **kwargs)

    def public_role(self) -> str:
        """Return who decided, as the public log says it: a role, never a person."""
        if self.source == self.Source.FLAGS:
            n = self.flag_count or 0
            return ngettext("automatic: {n} reader flag", "automatic: {n} reader flags", n).format(
                n=n
            )
        if self.source == self.Source.SCREENING:
            label = self.SCREENING_LABELS.get(self.code) or gettext("screening")
            return gettext("automatic: {reason}").format(reason=label)
        return gettext("a moderator")


class RejectedComment(models.Model):
    """A comment that screening refused, kept so moderators can review the screening."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    code = models.CharField(max_length=40)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.code}: {self.reason}"


class QueuedComment(Comment):
    """The moderation queue's view of comments (its own admin and permissions)."""

    class Meta:
        proxy = True
        verbose_name = _("comment to review")
        verbose_name_plural = _("moderation queue")
