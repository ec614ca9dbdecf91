"""The discussion of a page, for the app that shows it: the one entry point articles asks.

A request's discussion goes: selectors (rows) → layout (steps) → the registered thread
template (shared HTML, cached per article version) → the reader's overlay (data the page
script applies: pressed votes, own-comment links, new marks). Nothing here edits markup.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef, Subquery
from django.middleware.csrf import get_token
from django.template import Context, engines
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext
from markupsafe import Markup, escape

from core.cache import cache_get, cache_set
from core.gzip_splice import DeflatedFragment, deflate_fragment
from core.http import parse_page
from core.text import normalize_body
from discussions import markup, selectors
from discussions.forms import CommentForm
from discussions.jinja import ago
from discussions.jinja import more_replies_phrase as more_replies
from discussions.layout import CLOSE, CONTINUES, OPEN, REPLIES, lay_out
from discussions.mentions import render_body
from discussions.models import Comment, Sanction, edit_window_open
from discussions.services import CommentRejected, comment_submit
from discussions.sorts import DEFAULT_SORT, Sort

# Bump the number whenever the thread markup changes, so no page mixes old and new markup.
# 6: an entry also names where its deflated HTML is kept (deflate_key).
# 7: a reply shows the source comment it quotes.
# 8: glossary terms linked at render time; the key names the term set and the terms the page
# used above the thread (glossary.pages.PageLinks.fragment_key).
# 9: the HTML kept under its own key (Fragment.html_key), not in the entry.
FRAGMENT_KEY = "thread:9:{article}:{version}:{glossary}:{sort}:{page}"


@dataclass
class Fragment:
    # UTF-8: what a response sends (a 3 MB str took pickle 13 ms to encode on every cache
    # write, measured). Read through `html`: None while it waits in the cache under
    # html_key, apart from the rest, so a page that splices the deflated stream (a signed-in
    # reader's) never reads it: the first page of the bench's 2,000-comment discussion holds
    # 312 kB of it, and not reading it took the signed-in page from 6.1-6.5 to 5.5-5.7 ms
    # with Redis as the cache (0.1 ms with the local-memory cache).
    stored_html: bytes | None
    comment_ids: list
    page: int
    pages: int
    owners: dict = field(default_factory=dict)
    featured: list = field(default_factory=list)
    # Where the HTML of this very rendering is kept deflated; None for a private rendering.
    deflate_key: str | None = None
    # Where the shared rendering's HTML is kept; None for a private rendering.
    html_key: str | None = None
    # Renders the thread anew, as a rendering of its own, when the HTML's entry is gone from
    # the cache (evicted, or expired just before the rest).
    rerender: Callable[[], "Fragment"] | None = field(default=None, repr=False, compare=False)

    @property
    def html(self) -> bytes:
        if self.stored_html is None:
            self.stored_html = cache_get(self.html_key) if self.html_key else None
        if self.stored_html is None:
            # The new rendering's keys too: its deflated stream is made from this HTML, never
            # taken from the rendering that was lost (their ages would differ).
            fresh = self.rerender()
            self.stored_html = fresh.stored_html
            self.html_key, self.deflate_key = fresh.html_key, fresh.deflate_key
        return self.stored_html

    def cached(self):
        """Return what the fragment's cache entry keeps: everything but the HTML."""
        return (
            self.comment_ids,
            self.page,
            self.pages,
            self.owners,
            self.featured,
            self.deflate_key,
            self.html_key,
        )

    def deflated(self) -> DeflatedFragment | None:
        """Return the HTML as UTF-8, pre-deflated for core.gzip_splice: made by the first
        response that splices it and cached beside the fragment; None for a private rendering.

        Made on demand, not with the fragment, so a rendering no gzip response needs costs
        nothing more. Its key names this rendering (not only the article version), so the
        stream always holds exactly the HTML it stands for, even if the fragment entry was
        evicted and rendered afresh (the render clock differs). A response that sends both
        reads `html` first: if that renders anew, this is the new rendering's stream."""
        if self.deflate_key is None:
            return None
        deflated = cache_get(self.deflate_key)
        if deflated is None:
            deflated = deflate_fragment(self.html)
            cache_set(self.deflate_key, deflated)
        return deflated


def render_thread(layout, *, sort: Sort, focus_id=None, bodies=None) -> str:
    """Return the HTML of a laid-out discussion, the same for every reader: the markup every
    comment shares (markup.structure) filled with each comment's stored pieces and what a
    stored comment cannot know — the focus, the age on this render's clock, the vote counts,
    the sort.

    bodies: comment id -> the body to show instead of the stored one (the glossary's links).

    A plain str, though it is safe HTML (every piece was rendered with autoescaping on): the
    article page splices it in as it is, and wrapping 3 MB in Markup copied it (16 ms for a
    2,000-comment thread, measured). A template that prints it marks it safe (thread_markup).
    """
    language = get_language()
    frame = markup.structure(language, markup.permalink_base())
    (k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11, k12, k13, k14, k15, k16, k17, k18, k19,
     k20, k21, k22) = frame.comment  # fmt: skip
    h0, h1, h2, h3, h4, h5 = frame.placeholder
    item_open, item_close, replies_close = frame.item_open, frame.item_close, frame.replies_close
    r0, r1, r2 = frame.replies_open
    c0, c1, c2, c3 = frame.continues
    m0, m1, m2, m3, m4 = frame.more
    author, time, exact = markup.AUTHOR, markup.TIME, markup.EXACT_TIME
    edited, extras, body, fate = markup.EDITED, markup.EXTRAS, markup.BODY, markup.FATE
    ID, LEVEL, PIECES, CREATED_MS, UPVOTES, DOWNVOTES, SHOWN = (
        selectors.ID, selectors.LEVEL, selectors.PIECES, selectors.CREATED_MS,
        selectors.UPVOTES, selectors.DOWNVOTES, selectors.SHOWN,
    )  # fmt: skip
    hole = markup.HOLE
    bodies = bodies or {}
    now_ms = int(timezone.now().timestamp() * 1000)
    sort_q = sort.value  # a TextChoices value: nothing to escape
    out = []
    add = out.append
    extend = out.extend
    for kind, row, detail in layout.steps:
        pk = str(row[ID])
        if kind == OPEN:
            p = row[PIECES].split(hole)
            age = ago(row[CREATED_MS], now_ms, language)
            level = str(row[LEVEL])
            if row[SHOWN]:
                focus = frame.focus if row[ID] == focus_id else ""
                text = bodies.get(row[ID], p[body])
                extend((item_open, k0, focus, k1, pk, k2, level, k3, pk, k4, pk, k5,
                        p[author], k6, pk, k7, p[time], k8, p[exact], k9, age, k10,
                        p[edited], k11, p[extras], k12, text, k13, pk, k14, str(row[UPVOTES]),
                        k15, pk, k16, str(row[DOWNVOTES]), k17, pk, k18, sort_q, k19, pk, k20,
                        pk, k21, pk, k22))  # fmt: skip
            else:
                extend((item_open, h0, pk, h1, level, h2, p[time], h3, age, h4, p[fate], h5))
            if detail == REPLIES:
                extend((r0, pk, r1, pk, r2))
            elif detail == CONTINUES:
                extend((c0, pk, c1, sort_q, c2, pk, c3))
            else:
                add(item_close)
        elif kind == CLOSE:
            add(replies_close)
        else:
            extend((m0, pk, m1, sort_q, m2, pk, m3, more_replies(detail, language), m4))
    return "".join(out)


class ThreadHtml:
    """A discussion page's rendered thread, for a view to splice in as it is (`utf8`, read
    from the fragment only when asked for) and for a template to print (decoded only then)."""

    __slots__ = ("fragment",)

    def __init__(self, fragment: Fragment):
        self.fragment = fragment

    @property
    def utf8(self) -> bytes:
        return self.fragment.html

    def __html__(self) -> str:
        return self.utf8.decode()

    def __str__(self) -> str:
        # Django's templates take str() of what they print, then escape it unless it is safe.
        return thread_markup(self.__html__())


def thread_markup(html: str) -> Markup:
    """Return render_thread's HTML for a template to print."""
    return Markup(html)  # noqa: S704 - pieces rendered with autoescaping on


def thread_fragment(article, *, sort: Sort | str, page: int, viewer=None, links=None) -> Fragment:
    """Return a discussion page. Readers share one cached rendering per article version; a
    viewer who sees more than the public (their own pending comments, a moderator) gets a
    private one.

    links: the page's glossary linking (glossary.pages.PageLinks), which links each term's
    first use in the comments unless the page used it above the thread; None links nothing."""
    sort = Sort(sort)
    if viewer is not None:
        return _render(article, sort=sort, page=page, viewer=viewer, links=links)
    key = FRAGMENT_KEY.format(
        article=article.pk,
        version=article.discussion_version,
        glossary=links.fragment_key() if links is not None else "-",
        sort=sort.value,
        page=page,
    )
    render = functools.partial(_render_shared, key, article, sort=sort, page=page, links=links)
    cached = cache_get(key)
    if cached is None:
        return render()
    fragment = Fragment(None, *cached)
    fragment.rerender = render
    return fragment


def _render_shared(key: str, article, *, sort: Sort, page: int, links) -> Fragment:
    """Render the readers' shared discussion page and cache it under key: the HTML under a
    key of its own, named, like its deflated stream's, after this rendering."""
    fragment = _render(article, sort=sort, page=page, viewer=None, links=links)
    rendering = uuid4().hex
    fragment.deflate_key = f"{key}:deflate:{rendering}"
    fragment.html_key = f"{key}:html:{rendering}"
    # The HTML first, so the entry names HTML that was stored (unless the cache failed, or
    # drops it first: Fragment.html then renders anew).
    cache_set(fragment.html_key, fragment.html)
    cache_set(key, fragment.cached())
    return fragment


def _page_rows(article, *, sort: Sort, page: int, viewer) -> tuple[list, int, int]:
    """Return the rows of the discussion's page (the page number clamped to those there are),
    its number and how many pages there are.

    A discussion of no more comments than a page's budget is one page: its rows are read in
    one query, without the page trees, when its count of visible comments says it may be
    (the rows read, hidden ones included, then tell)."""
    budget = settings.CROSSTALK["PAGE_COMMENT_BUDGET"]
    if article.comment_count <= budget:
        rows = selectors.tree_rows(article, None, sort=sort, viewer=viewer)
        if len(rows) <= budget:
            return rows, 1, 1
    pages = selectors.page_tree_ids(article, sort=sort)
    page = min(max(page, 1), len(pages) or 1)
    if not pages:
        return [], page, 1
    tree_ids = pages[page - 1] if len(pages) > 1 else None
    return selectors.tree_rows(article, tree_ids, sort=sort, viewer=viewer), page, len(pages)


def _render(article, *, sort: Sort, page: int, viewer, links=None) -> Fragment:
    rows, page, pages = _page_rows(article, sort=sort, page=page, viewer=viewer)
    layout = lay_out(rows)
    bodies = None
    if links is not None:
        # In page order, so each term links at its first use; the stored HTML stays as it is.
        shown = layout.opened()
        linked = links.link_many([markup.stored_body(row[selectors.PIECES]) for row in shown])
        bodies = {row[selectors.ID]: html for row, html in zip(shown, linked, strict=True)}
    html = render_thread(layout, sort=sort, bodies=bodies).encode()
    return Fragment(html, layout.rendered_ids, page, pages, layout.owners,
                    selectors.featured_comments(article))  # fmt: skip


def reader_annotations(user) -> dict:
    """Return what an article query annotates for a signed-in reader's discussion: whether
    they have comments awaiting moderation there (so they get a private rendering), and the
    sanction in force on them, if any (SanctionQuerySet.in_force_of: the comment form then
    gives way to a notice) as own_sanction_kind, _until, _rule_number and _rule_title, all
    None without one. Subqueries of the article's own query: no extra query."""
    if not user.is_authenticated:
        return {}
    pending = Comment.objects.filter(
        article=OuterRef("pk"), author=user, status=Comment.Status.PENDING
    )
    sanction = Sanction.objects.in_force_of(user)
    return {
        "has_own_pending": Exists(pending),
        **{
            f"own_sanction_{name}": Subquery(sanction.values(column)[:1])
            for name, column in (
                ("kind", "kind"),
                ("until", "until"),
                ("rule_number", "rule__number"),
                ("rule_title", "rule__title"),
            )
        },
    }


def _private_viewer(user, article):
    """Return the user when they see more of the discussion than the public, else None."""
    if not user.is_authenticated:
        return None
    if user.is_moderator or getattr(article, "has_own_pending", False):
        return user
    return None


def reader_state(user, layout_owners: dict, comment_ids, *, last_seen=None) -> dict:
    """Return the reader's own bits of a shared discussion, as data for the page script:
    their votes (id → 1 or -1), the comments they flagged, their own comments (id → still
    editable) and the comments others posted since last_seen."""
    now = timezone.now()
    votes, flagged = selectors.own_reactions(user, comment_ids)
    since_ms = last_seen.timestamp() * 1000 if last_seen is not None else None
    own = {}
    new = []
    reader_id = user.pk  # once: request.user is a lazy object, and this loops over the page
    for pk, (author_id, created_ms) in layout_owners.items():
        if author_id == reader_id:
            own[pk] = edit_window_open(datetime.fromtimestamp(created_ms / 1000, UTC), now)
        elif since_ms is not None and created_ms > since_ms:
            new.append(pk)
    return {
        "votes": votes,
        "flagged": flagged,
        "own": own,
        "new": new,
        "labels": {
            "edit": gettext("Edit"),
            "delete": gettext("Delete"),
            "flagged": gettext("Flagged"),
        },
    }


def discussion_context(
    request,
    article,
    *,
    form=None,
    quoted=None,
    shared=False,
    last_seen=None,
    links=None,
    follow_state=None,
) -> dict:
    """Return the discussion part of an article page's context: the one way the article page
    asks for its discussion (its thread, forms, and the reader's overlay).

    form: the reader's comment form, bound with its errors, to show again (comment_form_submit).
    quoted: the source comment the blank comment form quotes (articles.sources).
    shared: the page every anonymous reader gets, with nothing of this request in it.
    links: the page's glossary linking, which the thread goes on with (thread_fragment).
    follow_state: the reader's following of the discussion (notifications.pages), for the
    overlay.
    """
    sort = Sort.parse(request.GET.get("sort") or request.POST.get("sort"))
    page = parse_page(request.GET.get("page"))
    user = request.user
    viewer = None if shared else _private_viewer(user, article)
    fragment = thread_fragment(article, sort=sort, page=page, viewer=viewer, links=links)
    state = None
    if not shared and user.is_authenticated:
        state = reader_state(user, fragment.owners, fragment.comment_ids, last_seen=last_seen)
    comment_form = reply_form = ""
    if article.accepts_comments():
        # The article page's comment form, and the blank reply form its script clones.
        reply_to = None
        if form is not None and hasattr(form, "cleaned_data"):
            reply_to = form.cleaned_data.get("parent")
        comment_form = comment_form_html(
            request,
            article,
            form=form or CommentForm(quoted=quoted),
            sort=sort,
            parent_id=reply_to,
        )
        if user.is_authenticated:
            reply_form = comment_form_html(
                request, article, form=CommentForm(), sort=sort, form_id="reply-form",
                is_reply=True,
            )  # fmt: skip
    vote_next = f"{article.get_absolute_url()}?sort={sort.value}&page={fragment.page}"
    return {
        "sort": sort,
        "sorts": Sort,
        "thread_html": ThreadHtml(fragment),
        # For the view, not the template: thread_html pre-deflated, or None (Fragment.deflated).
        "thread_deflated": fragment.deflated,
        "featured": fragment.featured,
        "thread_page": fragment.page,
        "thread_pages": fragment.pages,
        "vote_next": vote_next,
        "reader_state": state,
        "follow_state": follow_state,
        "reader_overlay_html": reader_overlay_html(
            request, vote_next=vote_next, reader_state=state, follow_state=follow_state
        ),
        "comment_form_html": comment_form,
        "reply_form_html": reply_form,
    }


READER_OVERLAY_TEMPLATE = "discussions/_reader_overlay.html"


def reader_overlay_html(request, *, vote_next: str, reader_state, follow_state) -> Markup:
    """Return the page's part of a shared thread (the vote form and the reader's state as
    data) for a page whose discussion is rendered outside Django's templates (the article
    page's Jinja2 parts); the permalink page includes the same template itself.

    Rendered without the context processors, whose values it does not use; the CSRF token is
    read only for a signed-in reader, as the template asks."""
    context = Context(
        {
            "user": request.user,
            "csrf_token": csrf(request)["csrf_token"],
            "vote_next": vote_next,
            "reader_state": reader_state,
            "follow_state": follow_state,
        }
    )
    html = engines["django"].get_template(READER_OVERLAY_TEMPLATE).template.render(context)
    return Markup(html)  # noqa: S704 - rendered with autoescaping on


COMMENT_FORM_TEMPLATE = "discussions/_comment_form.html"
# A blank form's HTML as rendered once, cut where the CSRF token goes, per (language, article,
# slug, sort, form id, reply or not), and the sign-in prompt per (language, address); bounded
# like a cache, and dropped whole when full.
_BLANK_FORMS: dict[tuple, tuple[str, str]] = {}
_BLANK_FORMS_MAX = 2_000
# Where the token goes while a blank form is rendered: no token looks like it.
_TOKEN_SLOT = f"csrf-slot-{uuid4().hex}"


def comment_form_html(
    request, article, *, form, sort: Sort, parent_id=None, form_id=None, is_reply=False
) -> Markup:
    """Return the article page's comment form (the reader's own, or the sanction notice or
    the sign-in prompt in its place).

    The blank form of a reader who may comment is the same for every reader but its CSRF
    token: it is rendered once (per language, article, sort and kind of form) with a slot for
    the token, which each page fills with its own (the thread's markup is filled the same
    way). The sign-in prompt is kept per language and address. Any other form, with the
    reader's text, errors, preview or quote, or a sanction's notice, is rendered afresh."""
    context = {
        "article": article,
        "form": form,
        "sort": sort,
        "parent_id": parent_id,
        "form_id": form_id,
        "is_reply": is_reply,
    }
    if not request.user.is_authenticated:
        # The sign-in prompt: the same for every anonymous reader of this address.
        key = ("prompt", get_language(), form_id, request.get_full_path())
        html = _BLANK_FORMS.get(key)
        if html is None:
            context.update(user=request.user, request=request)
            html = _remember(key, render_to_string(COMMENT_FORM_TEMPLATE, context))
        return Markup(html)  # noqa: S704 - rendered with autoescaping on
    blank = not form.is_bound and form.quoted is None and not getattr(form, "preview_html", None)
    if not blank or article.own_sanction_kind:
        return Markup(render_to_string(COMMENT_FORM_TEMPLATE, context, request))  # noqa: S704
    key = (get_language(), article.pk, article.slug, sort.value, form_id, is_reply)
    parts = _BLANK_FORMS.get(key)
    if parts is None:
        html = render_to_string(
            COMMENT_FORM_TEMPLATE,
            # The template reads nothing of the reader but that they are signed in
            # (tests/discussions/test_comment_form_html.py holds it to that).
            {**context, "user": request.user, "csrf_token": _TOKEN_SLOT},
        )
        before, slot, after = html.partition(_TOKEN_SLOT)
        if not slot or _TOKEN_SLOT in after:
            raise ValueError(f"{COMMENT_FORM_TEMPLATE} does not hold one CSRF token")
        parts = _remember(key, (before, after))
    before, after = parts
    # A token is letters and digits (django.middleware.csrf); escaped all the same.
    return Markup(before + str(escape(get_token(request))) + after)  # noqa: S704


def _remember(key: tuple, value):
    if len(_BLANK_FORMS) >= _BLANK_FORMS_MAX:
        _BLANK_FORMS.clear()
    _BLANK_FORMS[key] = value
    return value


@dataclass
class Posted:
    """The outcome of a comment form: where to go, or the form to show again and why."""

    redirect_to: str | None = None
    form: CommentForm | None = None
    status: int = 400
    retry_after: int | None = None


def comment_form_submit(request, article) -> Posted:
    """Post the reader's comment form on the article; return where the reader sees the new
    comment, or the bound form with its errors and the status to answer with."""
    form = CommentForm(request.POST, article=article)
    sort = Sort.parse(request.POST.get("sort"))
    if form.is_bot():
        return Posted(redirect_to=article.get_absolute_url() + "#discussion")
    if not form.is_valid():
        return Posted(form=form)
    if request.POST.get("preview"):
        attach_preview(form)
        return Posted(form=form, status=200)
    try:
        comment = comment_submit(
            article=article,
            author=request.user,
            body=form.cleaned_data["body"],
            parent_id=form.cleaned_data["parent"],
            ip_address=request.META.get("REMOTE_ADDR") or None,
            source_comment=form.cleaned_data.get("source_comment"),
        )
    except CommentRejected as exc:
        form.add_error(None, exc.message)
        return Posted(form=form, status=exc.status, retry_after=exc.retry_after)
    announce_hold(request, comment)
    return Posted(redirect_to=landing_url(request.user, article, comment, sort=sort))


def attach_preview(form) -> None:
    """Give a valid comment form the body's HTML as it would be posted (form.preview_html),
    rendered by the same code as a posted comment. Nothing is saved or screened, and the
    author's rate limits are not touched: a preview is not a post."""
    body = normalize_body(form.cleaned_data["body"])
    form.preview_html = Markup(render_body(body))  # noqa: S704 - sanitized by render_body


def announce_hold(request, comment) -> None:
    """Tell the author, once, that their comment (new or edited) waits for a moderator, and
    why."""
    if comment.status == Comment.Status.PENDING:
        messages.info(
            request,
            gettext("Your comment is awaiting moderation. {reason}").format(
                reason=comment.hold_reason
            ),
        )


def landing_url(user, article, comment, *, sort: Sort | str) -> str:
    """Return where the author of a new comment sees it: the article page that shows it (the
    public page for a visible comment, the author's own view for a held one), else its
    permalink. Found from the page trees and the comment's own tree, without rendering."""
    sort = Sort(sort)
    viewer = None if comment.is_visible() else user
    page = landing_page(article, comment, sort=sort, viewer=viewer)
    if page is None:
        return f"{comment.get_absolute_url()}?sort={sort.value}#comment-{comment.pk}"
    query = ""
    if (sort, page) != (DEFAULT_SORT, 1):
        query = urlencode({"sort": sort.value, "page": page})
    return f"{article.get_absolute_url()}{'?' if query else ''}{query}#comment-{comment.pk}"


def landing_page(article, comment, *, sort: Sort | str, viewer=None) -> int | None:
    """Return the page of the article's discussion that shows the comment inline, or None when
    it is on no page (hidden from this reader, or beyond the depth, reply or page caps).

    At most two queries and no rendering: the page comes from the page trees, and only the
    comment's own tree is laid out. That tree is laid out on its page exactly as on its own: a
    page of several trees holds at most PAGE_COMMENT_BUDGET comments, so the budget never cuts
    it, and a bigger tree has a page to itself. Not even that tree is read when no limit can
    hide a comment every reader sees (_inline_whatever_the_order)."""
    sort = Sort(sort)
    pages = selectors.page_trees(article, sort=sort)
    found = next(
        ((n, size) for n, trees in enumerate(pages, start=1) for tree_id, size in trees
         if tree_id == comment.tree_id),
        None,
    )  # fmt: skip
    if found is None:
        return None
    number, size = found
    if viewer is None and _inline_whatever_the_order(comment, tree_size=size):
        return number
    rows = selectors.tree_rows(
        article, [comment.tree_id], sort=sort, viewer=viewer, shape_only=True
    )
    if comment.pk in lay_out(rows).rendered_ids:
        return number
    return None


def _inline_whatever_the_order(comment, *, tree_size: int) -> bool:
    """Return whether lay_out shows this comment inline on its tree's page however its tree
    sorts, known without reading the tree: the public sees it (a visible comment: its
    ancestors are kept for it), it is no deeper than MAX_INLINE_DEPTH, no parent of a tree of
    at most MAX_INLINE_REPLIES comments has that many replies, and a tree within the page's
    budget is never cut by it (landing_page)."""
    conf = settings.CROSSTALK
    return (
        comment.is_visible()
        and comment.level <= conf["MAX_INLINE_DEPTH"]
        and tree_size <= min(conf["MAX_INLINE_REPLIES"], conf["PAGE_COMMENT_BUDGET"])
    )


def permalink_context(request, comment) -> dict | None:
    """Return the discussion part of a comment's permalink page, or None when this reader
    cannot see the comment."""
    sort = Sort.parse(request.GET.get("sort"))
    user = request.user
    rows = selectors.subtree_rows(comment, sort=sort, viewer=user)
    layout = lay_out(rows, focus_id=comment.pk, base_level=comment.level)
    if comment.pk not in layout.rendered_ids:
        return None
    state = None
    if user.is_authenticated:
        state = reader_state(user, layout.owners, layout.rendered_ids)
        # The page itself links the focused comment's own actions (own_actions, below).
        state["own"].pop(comment.pk, None)
    return {
        "sort": sort,
        "thread_html": thread_markup(render_thread(layout, sort=sort, focus_id=comment.pk)),
        "reader_state": state,
        "vote_next": f"{comment.get_absolute_url()}?sort={sort.value}",
        # Whether this reader sees the comment itself, not only its place (a placeholder):
        # the layout's owners are the comments the rows showed them.
        "shown": comment.pk in layout.owners,
        "own_actions": {
            "editable": comment.is_editable_by(user),
            "deletable": comment.is_deletable_by(user),
        },
    }
