"""One article with everything a reader can meet on the site, for the accessibility, HTML
validity and screenshot tests: source comments with their original text, a discussion nested
deeper than the page shows inline, a removed comment kept as a placeholder, editors' picks,
the signed-in reader's own comments (one awaiting moderation), votes and a moderation log."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from articles.models import Article, Category, Tag
from discussions.models import Comment, ModerationAction
from discussions.services import comment_moderate, vote_cast
from tests.factories import (
    ensure_comment_policy,
    make_article,
    make_category,
    make_comment,
    make_moderator,
    make_source_comment,
    make_tag,
    make_user,
    policy_rule,
)

# Deeper than MAX_INLINE_DEPTH (8): the last replies are behind "Continue this thread".
CHAIN_DEPTH = 10

BODY = """
<p>Seoul Metro will reserve one car on every Line 2 train for passengers who stay off the
phone, starting next month. Conversations are allowed at a whisper; calls, videos without
earphones and speakerphone are not.</p>
<h2>A pilot, not a rule</h2>
<p>There will be no fines. Stickers on the doors and an announcement at each station will ask
riders to move to another car if they need to take a call. The operator will count complaints
and survey riders for three months before deciding whether to extend the scheme.</p>
<blockquote><p>“We are not trying to police anyone. We want to find out whether people want
this.”</p></blockquote>
<p>Quiet cars have run for years on intercity trains in Japan and on some commuter lines in
the United States. Seoul Metro said crowding on Line 2 at rush hour means the car will be
“quiet, not empty.”</p>
"""

# (author key, depth in the chain, body) — each replies to the one before.
CHAIN = [
    ("minji", "Finally. Line 2 at 8 a.m. is a *concert* of phone calls."),
    ("wei", "On my line in Shanghai the loudest thing is short videos, not calls."),
    ("minji", "Videos without earphones are on the banned list too, so that is covered."),
    ("jun", "Who is going to enforce it though? There are no fines."),
    ("wei", "Nobody, and that is fine. Most people follow a sign when everyone can see it."),
    ("jun", "> Most people follow a sign\n\nMost people, yes. The other two are in my car."),
    ("minji", "Then move to the quiet car. That is the whole point."),
    ("jun", "Fair. I will report back after a week."),
    ("wei", "Please do, I am curious how the survey turns out."),
    ("minji", "Same. [The announcement](https://example.org/seoul-metro) has the dates."),
    ("jun", "Week one: it was quiet. Suspiciously quiet."),
]


@dataclass
class Scene:
    article: Article
    category: Category
    tag: Tag
    reader: User
    chain: list[Comment]
    own_comment: Comment
    pending_comment: Comment
    removed_comment: Comment
    others_comment: Comment
    featured_comment: Comment


def build_scene() -> Scene:
    """Create the article, its discussion and the moderation log entries; return them."""
    ensure_comment_policy()
    now = timezone.now()
    category = make_category(name="Society", slug="society")
    tag = make_tag(name="Transport", slug="transport")
    make_article(title="Busan ferry fares rise for the first time in a decade", slug="busan-ferry")
    article = make_article(
        title="Seoul subway tries a quiet car, and riders argue over what counts as noise",
        slug="seoul-subway-quiet-car",
        dek="Line 2 will keep one car free of phone calls for three months. Netizens split.",
        body=BODY,
        source_name="Segye Ilbo",
        source_url="https://example.org/segye/quiet-car",
        source_language=Article.Language.KOREAN,
        translator="Jiwoo Park",
        category=category,
        published_at=now - timedelta(hours=6),
    )
    article.tags.add(tag)
    make_source_comment(
        article,
        platform="naver",
        text="Finally some peace on the way to work.",
        original_text="드디어 출근길에 평화가 오는구나",
        upvotes=4821,
        downvotes=312,
    )
    make_source_comment(
        article,
        platform="naver",
        text="Latte is horse, we rode in silence and were grateful.",
        original_text="라떼는 말이야, 조용히 타고 감사했다",
        upvotes=88,
        downvotes=12,
        translator_note="“Latte is horse” (라떼는 말이야) puns on “back in my day…”.",
    )
    make_source_comment(
        article,
        platform="daum",
        text="One quiet car is not enough. Make it two.",
        original_text="한 칸으로는 부족하다. 두 칸으로 해라",
        upvotes=950,
        downvotes=None,
    )

    people = {
        "minji": make_user(username="minji", display_name="Minji Kang"),
        "wei": make_user(username="wei", display_name="Wei Lin"),
        "jun": make_user(username="jun", display_name="Jun Seo"),
    }
    reader = make_user(username="hana", display_name="Hana Yoon")
    moderator = make_moderator(username="moderator-min", display_name="Min the Moderator")

    start = now - timedelta(hours=5)
    chain: list[Comment] = []
    for step, (who, body) in enumerate(CHAIN):
        chain.append(
            make_comment(
                article,
                parent=chain[-1] if chain else None,
                author=people[who],
                body=body,
                created_at=start + timedelta(minutes=9 * step),
            )
        )
    assert len(chain) - 1 == CHAIN_DEPTH

    second = make_comment(
        article,
        author=people["wei"],
        body="In Beijing the quiet car is called 静音车厢. It works on the high-speed trains.",
        created_at=now - timedelta(hours=4),
    )
    removed = make_comment(
        article,
        parent=second,
        author=people["jun"],
        body="Buy my earphones at a discount, link in profile!",
        created_at=now - timedelta(hours=3, minutes=50),
    )
    make_comment(
        article,
        parent=removed,
        author=people["minji"],
        body="This was an advert, flagging it.",
        created_at=now - timedelta(hours=3, minutes=40),
    )
    featured = make_comment(
        article,
        parent=second,
        author=people["minji"],
        body="The signs on the high-speed trains are **very** polite. That helps.",
        created_at=now - timedelta(hours=3, minutes=30),
    )
    others = make_comment(
        article,
        author=people["jun"],
        body="Three months is long enough to see whether it sticks.",
        created_at=now - timedelta(hours=2),
    )
    own = make_comment(
        article,
        parent=others,
        author=reader,
        body="I will try it tomorrow and see whether anyone actually moves.",
        created_at=now - timedelta(minutes=5),
    )
    pending = make_comment(
        article,
        author=reader,
        body="Here is a list of every station with [a quiet car](https://example.org/q1).",
        status=Comment.Status.PENDING,
        hold_reason="It has links and your account is new.",
    )

    comment_moderate(
        comment=removed,
        moderator=moderator,
        action=ModerationAction.Action.REMOVE,
        rule=policy_rule(2),
        note="Advert",
    )
    comment_moderate(comment=featured, moderator=moderator, action=ModerationAction.Action.FEATURE)
    comment_moderate(comment=chain[1], moderator=moderator, action=ModerationAction.Action.FEATURE)
    vote_cast(comment=chain[0], user=reader, value=1)
    vote_cast(comment=chain[3], user=reader, value=-1)
    vote_cast(comment=chain[0], user=people["wei"], value=1)
    return Scene(
        article=article,
        category=category,
        tag=tag,
        reader=reader,
        chain=chain,
        own_comment=own,
        pending_comment=pending,
        removed_comment=removed,
        others_comment=others,
        featured_comment=featured,
    )


def session_cookie(user: User, url: str) -> dict:
    """Return a Playwright cookie that signs the user in on the site at url."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}
