"""Screening on posting: each rule of the pipeline alone, then through comment_submit and the
HTTP endpoint, with the outcome recorded and shown to the author in plain words."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from discussions import markup, screening
from discussions.models import Comment, RejectedComment, Sanction, ScreeningWord
from discussions.services import CommentRejected, comment_submit
from tests.factories import (
    make_article,
    make_comment,
    make_screening_word,
    make_user,
    parse_html,
    policy_rule,
    thread_comments,
)

pytestmark = pytest.mark.django_db

SUSPECT = ScreeningWord.Kind.SUSPECT


@pytest.fixture(autouse=True)
def _policy(comment_policy):
    """Every test here may cite the default rules."""


def crosstalk(settings, **values) -> None:
    """Override some CROSSTALK settings for one test (on a copy of the dict)."""
    settings.CROSSTALK = {**settings.CROSSTALK, **values}


def submission(author, article, body="Quiet cars are a fine idea.", now=None):
    return screening.Submission(
        author=author, article=article, body=body, now=now or timezone.now()
    )


def comments_url(article) -> str:
    return f"/articles/{article.slug}/comments/"


def error_text(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="form-errors"))


def message_text(response) -> str:
    doc = parse_html(response.content)
    return " ".join(el.text() for el in doc.find_all(cls="message"))


def post_as(client, user, article, body, **extra):
    client.force_login(user)
    return client.post(comments_url(article), {"body": body, **extra})


def sanction(user, *, kind=Sanction.Kind.SUSPENSION, until=None, **fields) -> Sanction:
    if kind == Sanction.Kind.SUSPENSION and until is None:
        until = timezone.now() + timedelta(days=3)
    return Sanction.objects.create(
        user=user, kind=kind, until=until, reason=fields.pop("reason", "Personal attacks"), **fields
    )


def the_time(moment) -> str:
    """Return a moment as screening words it for the author."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# Word lists: matching -------------------------------------------------------------------


@pytest.mark.parametrize("body", ["You idiot.", "YOU IDIOT", "Idiot!", "what an iDiOt, honestly"])
def test_banned_word_matches_whatever_the_case(user, article, body):
    make_screening_word("idiot")

    verdict = screening.rule_banned_words(submission(user, article, body))

    assert verdict is not None
    assert verdict.action == screening.REJECT


@pytest.mark.parametrize(
    "body",
    ["A class act.", "Classic Seoul.", "The assessment was fair.", "Bass and brass", "passé"],
)
def test_banned_word_does_not_match_inside_a_longer_word(user, article, body):
    make_screening_word("ass")

    assert screening.rule_banned_words(submission(user, article, body)) is None


@pytest.mark.parametrize("body", ["What an ass.", "ass", "(ass)", "Ass!"])
def test_banned_word_matches_as_a_whole_word(user, article, body):
    make_screening_word("ass")

    assert screening.rule_banned_words(submission(user, article, body)) is not None


@pytest.mark.parametrize("body", ["Go back home.", "go   BACK\nhome", "Just go back home!"])
def test_banned_phrase_matches_across_any_spacing(user, article, body):
    make_screening_word("go back home")

    assert screening.rule_banned_words(submission(user, article, body)) is not None


def test_banned_phrase_does_not_match_its_words_apart(user, article):
    make_screening_word("go back home")

    verdict = screening.rule_banned_words(submission(user, article, "Go back. Home is far."))

    assert verdict is None


@pytest.mark.parametrize("body", ["ｉｄｉｏｔ", "You ＩＤＩＯＴ!", "ｉdｉoｔ"])
def test_banned_word_in_fullwidth_letters_is_caught(user, article, body):
    make_screening_word("idiot")

    assert screening.rule_banned_words(submission(user, article, body)) is not None


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero width space
        "\u200c",  # zero width non-joiner
        "\u200d",  # zero width joiner
        "\u2060",  # word joiner
        "\ufeff",  # zero width no-break space (BOM)
        "\u180e",  # Mongolian vowel separator
        "\u034f",  # combining grapheme joiner
        "\u061c",  # Arabic letter mark
        "\ufe0f",  # variation selector 16
        "\U000e0020",  # tag space
    ],
    ids=lambda ch: f"U+{ord(ch):04X}",
)
def test_banned_word_with_zero_width_characters_inside_is_caught(user, article, invisible):
    make_screening_word("idiot")
    body = f"You i{invisible}di{invisible}ot."

    assert screening.rule_banned_words(submission(user, article, body)) is not None


def test_banned_word_with_soft_hyphens_inside_is_caught(user, article):
    make_screening_word("idiot")

    verdict = screening.rule_banned_words(submission(user, article, "You id\u00adi\u00adot."))

    assert verdict is not None


def test_banned_word_split_by_markup_inside_the_word_is_caught(user, article):
    # "id*io*t" renders as "idiot" with its middle in italics: the reader sees the word.
    make_screening_word("idiot")

    verdict = screening.rule_banned_words(submission(user, article, "You id*io*t."))

    assert verdict is not None


def test_banned_word_split_by_inline_code_is_caught(user, article):
    make_screening_word("idiot")

    verdict = screening.rule_banned_words(submission(user, article, "You id`io`t."))

    assert verdict is not None


def test_banned_word_written_oddly_in_the_list_matches_plain_text(user, article):
    make_screening_word("ＩＤ\u200bIOT")

    verdict = screening.rule_banned_words(submission(user, article, "what an idiot"))

    assert verdict is not None


def test_normalize_for_matching_folds_width_case_and_invisibles():
    assert screening.normalize_for_matching("ＩＤ\u200bI\u00adOT") == "idiot"


# Word lists: verdicts -------------------------------------------------------------------


def test_banned_word_rejects_citing_its_rule(user, article):
    make_screening_word("idiot", rule_number=2)

    verdict = screening.rule_banned_words(submission(user, article, "You idiot."))

    assert verdict.action == screening.REJECT
    assert verdict.code == "banned_word"
    assert verdict.rule_number == 2
    assert "Rule 2" in verdict.message
    assert policy_rule(2).title in verdict.message


def test_banned_word_without_a_rule_still_rejects_in_plain_words(user, article):
    make_screening_word("idiot", rule_number=None)

    verdict = screening.rule_banned_words(submission(user, article, "You idiot."))

    assert verdict.action == screening.REJECT
    assert verdict.rule_number is None
    assert "Comment Policy" in verdict.message


def test_suspect_word_holds_for_review(user, article):
    make_screening_word("crypto", kind=SUSPECT, rule_number=6)

    verdict = screening.rule_suspect_words(submission(user, article, "Buy Crypto now"))

    assert verdict.action == screening.HOLD
    assert verdict.code == "suspect_word"
    assert verdict.message


def test_suspect_word_is_not_a_banned_word(user, article):
    make_screening_word("crypto", kind=SUSPECT)

    assert screening.rule_banned_words(submission(user, article, "crypto")) is None


def test_clean_text_passes_the_word_rules(user, article):
    make_screening_word("idiot")
    make_screening_word("crypto", kind=SUSPECT)
    sub = submission(user, article, "Quiet cars are a fine idea.")

    assert screening.rule_banned_words(sub) is None
    assert screening.rule_suspect_words(sub) is None


# Links ----------------------------------------------------------------------------------


def test_default_link_limit_is_three(settings):
    assert settings.CROSSTALK["MAX_LINKS"] == 3


@pytest.mark.parametrize(
    "body",
    [
        "https://a.example https://b.example http://c.example",
        "<https://a.example> and <https://b.example>, www.c.example",
        "mailto:a@example.org https://b.example https://c.example",
    ],
)
def test_up_to_three_links_are_not_held(user, article, body):
    assert screening.rule_links(submission(user, article, body)) is None


@pytest.mark.parametrize(
    "body",
    [
        "https://a.example https://b.example http://c.example https://d.example",
        "www.a.example www.b.example www.c.example www.d.example",
        "[a](https://a.example) [b](https://b.example) [c](https://c.example) "
        "[d](https://d.example)",
    ],
)
def test_more_than_three_links_are_held(user, article, body):
    verdict = screening.rule_links(submission(user, article, body))

    assert verdict.action == screening.HOLD
    assert verdict.code == "links"
    assert "3" in verdict.message


def test_two_markdown_links_count_as_two_links(user, article):
    # A markdown link [text](url) is one link, not two.
    body = "See [the report](https://a.example) and [the data](https://b.example)."

    assert screening.rule_links(submission(user, article, body)) is None


def test_link_limit_comes_from_the_settings(user, article, settings):
    crosstalk(settings, MAX_LINKS=1)
    sub = submission(user, article, "https://a.example and https://b.example")

    verdict = screening.rule_links(sub)

    assert verdict.action == screening.HOLD
    assert screening.rule_links(submission(user, article, "only https://a.example")) is None


# New accounts ---------------------------------------------------------------------------


def test_new_account_hold_is_off_by_default(article, settings):
    assert settings.CROSSTALK["NEW_ACCOUNT_HOLD_COUNT"] == 0
    assert screening.rule_new_account(submission(make_user(), article)) is None


def test_first_k_comments_of_a_new_account_are_held(article, settings):
    crosstalk(settings, NEW_ACCOUNT_HOLD_COUNT=2)
    newcomer = make_user()

    first = screening.rule_new_account(submission(newcomer, article))
    make_comment(article, author=newcomer, status=Comment.Status.PENDING)
    second = screening.rule_new_account(submission(newcomer, article))
    make_comment(article, author=newcomer)
    third = screening.rule_new_account(submission(newcomer, article))

    assert first.action == second.action == screening.HOLD
    assert first.code == "new_account"
    assert third is None


# Pre-moderation -------------------------------------------------------------------------


def test_premoderated_article_holds_every_comment(user):
    article = make_article(premoderation=True)

    verdict = screening.rule_premoderation(submission(user, article))

    assert verdict.action == screening.HOLD
    assert verdict.code == "premoderation"


def test_article_without_premoderation_holds_nothing(user, article):
    assert screening.rule_premoderation(submission(user, article)) is None


# Duplicates -----------------------------------------------------------------------------


def test_same_body_within_ten_minutes_is_rejected(user, article):
    make_comment(article, author=user, body="Quiet cars, finally.")

    verdict = screening.rule_duplicate(submission(user, article, "Quiet cars, finally."))

    assert verdict.action == screening.REJECT
    assert verdict.code == "duplicate"


def test_same_body_on_another_article_within_ten_minutes_is_rejected(user, article):
    make_comment(make_article(), author=user, body="Quiet cars, finally.")

    verdict = screening.rule_duplicate(submission(user, article, "Quiet cars, finally."))

    assert verdict.action == screening.REJECT


def test_same_body_after_ten_minutes_is_not_a_duplicate(user, article):
    old = make_comment(article, author=user, body="Quiet cars, finally.")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    markup.refresh([old.pk])

    assert screening.rule_duplicate(submission(user, article, "Quiet cars, finally.")) is None


def test_same_body_from_another_reader_is_not_a_duplicate(user, article):
    make_comment(article, body="Quiet cars, finally.")

    assert screening.rule_duplicate(submission(user, article, "Quiet cars, finally.")) is None


def test_duplicate_window_comes_from_the_settings(user, article, settings):
    crosstalk(settings, DUPLICATE_WINDOW_MINUTES=1)
    old = make_comment(article, author=user, body="Quiet cars, finally.")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    markup.refresh([old.pk])

    assert screening.rule_duplicate(submission(user, article, "Quiet cars, finally.")) is None


# Rate limits ----------------------------------------------------------------------------


def test_sixth_comment_within_a_minute_is_rate_limited(user, article):
    now = timezone.now()
    for n in range(5):
        make_comment(article, author=user, created_at=now - timedelta(seconds=50 - n))

    verdict = screening.rule_rate_limit(submission(user, article, now=now))

    assert verdict.action == screening.REJECT
    assert verdict.code == "rate_limited"
    assert verdict.status == 429
    # The oldest of the five leaves the minute window in 10 seconds.
    assert 10 <= verdict.retry_after <= 12


def test_fifth_comment_within_a_minute_is_allowed(user, article):
    for _ in range(4):
        make_comment(article, author=user)

    assert screening.rule_rate_limit(submission(user, article)) is None


def test_fifty_first_comment_within_an_hour_is_rate_limited(user, article):
    now = timezone.now()
    for n in range(50):
        make_comment(
            article, author=user, created_at=now - timedelta(minutes=55) + timedelta(seconds=n)
        )

    verdict = screening.rule_rate_limit(submission(user, article, now=now))

    assert verdict.status == 429
    assert 4 * 60 <= verdict.retry_after <= 5 * 60 + 2


def test_fiftieth_comment_within_an_hour_is_allowed(user, article):
    now = timezone.now()
    for n in range(49):
        make_comment(article, author=user, created_at=now - timedelta(minutes=50, seconds=n))
    make_comment(article, author=user, created_at=now - timedelta(minutes=61))

    assert screening.rule_rate_limit(submission(user, article, now=now)) is None


def test_rate_limits_come_from_the_settings(user, article, settings):
    crosstalk(settings, RATE_PER_MINUTE=2)
    make_comment(article, author=user)
    make_comment(article, author=user)

    assert screening.rule_rate_limit(submission(user, article)).status == 429


def test_rate_limit_is_per_user(user, article):
    for _ in range(5):
        make_comment(article)

    assert screening.rule_rate_limit(submission(user, article)) is None


# Closed articles ------------------------------------------------------------------------


def test_closed_article_rejects_with_403(user):
    article = make_article(comments_open=False)

    verdict = screening.rule_article_open(submission(user, article))

    assert verdict.action == screening.REJECT
    assert verdict.code == "closed"
    assert verdict.status == 403


def test_article_past_its_own_close_after_days_rejects(user):
    article = make_article(
        published_at=timezone.now() - timedelta(days=3), close_comments_after_days=2
    )

    assert screening.rule_article_open(submission(user, article)).status == 403


def test_article_past_the_site_default_close_after_days_rejects(user, settings):
    crosstalk(settings, COMMENTS_CLOSE_AFTER_DAYS=2)
    article = make_article(published_at=timezone.now() - timedelta(days=3))

    assert screening.rule_article_open(submission(user, article)).status == 403


def test_article_within_its_close_after_days_accepts(user, settings):
    crosstalk(settings, COMMENTS_CLOSE_AFTER_DAYS=2)
    article = make_article(published_at=timezone.now() - timedelta(days=1))

    assert screening.rule_article_open(submission(user, article)) is None


def test_zero_close_after_days_never_closes(user, settings):
    crosstalk(settings, COMMENTS_CLOSE_AFTER_DAYS=0)
    old = make_article(published_at=timezone.now() - timedelta(days=3650))
    overridden = make_article(
        published_at=timezone.now() - timedelta(days=3650), close_comments_after_days=0
    )

    assert screening.rule_article_open(submission(user, old)) is None
    assert screening.rule_article_open(submission(user, overridden)) is None


def test_article_zero_close_after_days_overrides_the_site_default(user, settings):
    crosstalk(settings, COMMENTS_CLOSE_AFTER_DAYS=2)
    article = make_article(
        published_at=timezone.now() - timedelta(days=30), close_comments_after_days=0
    )

    assert screening.rule_article_open(submission(user, article)) is None


def test_site_default_never_closes_comments(settings):
    assert settings.CROSSTALK["COMMENTS_CLOSE_AFTER_DAYS"] == 0


# Sanctions ------------------------------------------------------------------------------


def test_suspended_user_is_rejected_until_when(user, article):
    until = timezone.now() + timedelta(days=3)
    sanction(user, until=until, reason="Repeated personal attacks", rule=policy_rule(2))

    verdict = screening.rule_sanction(submission(user, article))

    assert verdict.action == screening.REJECT
    assert verdict.code == "sanctioned"
    assert verdict.status == 403
    assert the_time(until) in verdict.message
    assert f"Rule 2: {policy_rule(2).title}" in verdict.message
    assert "Repeated personal attacks" not in verdict.message  # the moderators' private note


def test_banned_user_is_rejected(user, article):
    sanction(user, kind=Sanction.Kind.BAN, reason="Spam account", rule=policy_rule(6))

    verdict = screening.rule_sanction(submission(user, article))

    assert verdict.status == 403
    assert "banned" in verdict.message
    assert "Rule 6" in verdict.message
    assert "Spam account" not in verdict.message


def test_expired_suspension_no_longer_applies(user, article):
    sanction(user, until=timezone.now() - timedelta(minutes=1))

    assert screening.rule_sanction(submission(user, article)) is None


def test_lifted_sanction_no_longer_applies(user, article):
    sanction(user, kind=Sanction.Kind.BAN, lifted_at=timezone.now())

    assert screening.rule_sanction(submission(user, article)) is None


def test_another_users_sanction_does_not_apply(user, other_user, article):
    sanction(other_user, kind=Sanction.Kind.BAN)

    assert screening.rule_sanction(submission(user, article)) is None


# The pipeline ---------------------------------------------------------------------------


def test_clean_comment_passes_the_whole_pipeline(user, article):
    make_screening_word("idiot")

    assert screening.screen(submission(user, article)) is None


def test_the_whole_pipeline_reads_three_times(user, article, settings, django_assert_num_queries):
    """The author's sanction, their past comments (rate windows, duplicate, count) and both
    word lists: one query each, however many rules ask."""
    crosstalk(settings, NEW_ACCOUNT_HOLD_COUNT=3)
    make_screening_word("idiot")
    make_screening_word("crypto", kind=SUSPECT)
    make_comment(article, author=user, body="An earlier comment.")

    with django_assert_num_queries(3):
        verdict = screening.screen(submission(user, article))

    assert verdict.code == "new_account"  # the count was read, one of three


def test_rate_limit_and_duplicate_read_the_same_windows(user, article):
    now = timezone.now()
    body = "Quiet cars are a fine idea."
    make_comment(article, author=user, body=body, created_at=now - timedelta(minutes=2))
    for n in range(5):
        make_comment(article, author=user, created_at=now - timedelta(seconds=30 - n))
    sub = submission(user, article, body, now=now)

    assert screening.rule_rate_limit(sub).code == "rate_limited"
    assert screening.rule_duplicate(sub).code == "duplicate"
    assert screening.rule_rate_limit(sub).retry_after in (31, 32)  # the oldest of the five


def test_rejection_wins_over_an_earlier_hold(user):
    article = make_article(premoderation=True)
    make_screening_word("crypto", kind=SUSPECT)
    make_screening_word("idiot")

    verdict = screening.screen(submission(user, article, "crypto idiot"))

    assert verdict.action == screening.REJECT
    assert verdict.code == "banned_word"


def test_first_hold_reason_is_the_one_given(user):
    article = make_article(premoderation=True)
    make_screening_word("crypto", kind=SUSPECT)

    verdict = screening.screen(submission(user, article, "crypto"))

    assert verdict.action == screening.HOLD
    assert verdict.code == "suspect_word"


# Through the service --------------------------------------------------------------------


def test_submit_rejected_comment_is_recorded_with_its_reason(user, article):
    make_screening_word("idiot")

    with pytest.raises(CommentRejected) as caught:
        comment_submit(article=article, author=user, body="You idiot.")

    assert caught.value.code == "banned_word"
    assert not Comment.objects.exists()
    rejected = RejectedComment.objects.get()
    assert (rejected.author, rejected.article, rejected.body) == (user, article, "You idiot.")
    assert rejected.code == "banned_word"
    assert rejected.reason == caught.value.message
    assert "Rule 2" in rejected.reason


def test_submit_held_comment_is_pending_with_its_reason(user):
    article = make_article(premoderation=True)

    comment = comment_submit(article=article, author=user, body="First!")

    assert comment.status == Comment.Status.PENDING
    assert "checked by a moderator" in comment.hold_reason
    article.refresh_from_db()
    assert article.comment_count == 0


def test_submit_clean_comment_is_visible(user, article):
    comment = comment_submit(article=article, author=user, body="Quiet cars, finally.")

    assert comment.status == Comment.Status.VISIBLE
    assert comment.hold_reason == ""


def test_submit_to_closed_article_is_rejected_with_403(user):
    article = make_article(comments_open=False)

    with pytest.raises(CommentRejected) as caught:
        comment_submit(article=article, author=user, body="Too late?")

    assert (caught.value.code, caught.value.status) == ("closed", 403)
    assert not Comment.objects.exists()


# Over HTTP ------------------------------------------------------------------------------


def test_posted_banned_word_is_rejected_citing_the_rule(client, user, article):
    make_screening_word("idiot", rule_number=2)

    response = post_as(client, user, article, "You IDIOT.")

    assert response.status_code == 400
    assert "Rule 2" in error_text(response)
    assert "No personal attacks" in error_text(response)
    assert not Comment.objects.exists()
    assert RejectedComment.objects.get().code == "banned_word"


def test_posted_banned_word_with_unicode_tricks_is_rejected(client, user, article):
    make_screening_word("idiot")

    response = post_as(client, user, article, "You ｉd\u200bi\u00adot.")

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_posted_word_containing_a_banned_word_is_accepted(client, user, article):
    make_screening_word("ass")

    response = post_as(client, user, article, "A class act.")

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_posted_suspect_word_is_held_and_the_author_told_why(client, user, article):
    make_screening_word("crypto", kind=SUSPECT)

    response = post_as(client, user, article, "Crypto will fix the subway.")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert (
        comment.hold_reason == "This comment will appear once a moderator has checked its wording."
    )
    page = client.get(response["Location"])
    assert "Your comment is awaiting moderation" in message_text(page)
    assert comment.hold_reason in message_text(page)
    element = thread_comments(parse_html(page.content))[comment.pk]
    assert "Awaiting moderation" in element.find(cls="pending-note").text()
    assert comment.hold_reason in element.find(cls="pending-note").text()


def test_posted_comment_with_too_many_links_is_held(client, user, article):
    body = " ".join(f"https://{name}.example" for name in "abcd")

    response = post_as(client, user, article, body)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PENDING
    assert "more than 3 links" in comment.hold_reason


def test_posted_comment_with_three_links_is_visible(client, user, article):
    response = post_as(client, user, article, "https://a.example https://b.example www.c.example")

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_posted_first_comments_of_a_new_account_are_held(client, user, article, settings):
    crosstalk(settings, NEW_ACCOUNT_HOLD_COUNT=1)

    post_as(client, user, article, "My first comment.")
    post_as(client, user, article, "My second comment.")

    first, second = Comment.objects.order_by("pk")
    assert first.status == Comment.Status.PENDING
    assert "new account" in first.hold_reason
    assert second.status == Comment.Status.VISIBLE


def test_posted_comment_on_premoderated_article_is_held(client, user):
    article = make_article(premoderation=True)

    response = post_as(client, user, article, "Will this show?")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "checked by a moderator" in comment.hold_reason
    assert client.get(article.get_absolute_url()).status_code == 200
    anonymous_page = Client().get(article.get_absolute_url())
    assert comment.pk not in thread_comments(parse_html(anonymous_page.content))


def test_posted_same_body_twice_is_rejected_the_second_time(client, user, article):
    post_as(client, user, article, "Quiet cars, finally.")

    response = post_as(client, user, article, "Quiet cars, finally.")

    assert 400 <= response.status_code < 500
    assert "same comment" in error_text(response)
    assert Comment.objects.count() == 1
    assert RejectedComment.objects.get().code == "duplicate"


def test_sixth_post_within_a_minute_is_429_with_retry_after(client, user, article):
    for n in range(5):
        assert post_as(client, user, article, f"Comment {n}").status_code == 302

    response = post_as(client, user, article, "Comment 6")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "too fast" in error_text(response)
    assert Comment.objects.count() == 5


def test_fifty_first_post_within_an_hour_is_429_with_retry_after(client, user, article):
    start = timezone.now() - timedelta(minutes=30)
    for n in range(50):
        make_comment(article, author=user, created_at=start + timedelta(seconds=n))

    response = post_as(client, user, article, "One more")

    assert response.status_code == 429
    assert 29 * 60 <= int(response["Retry-After"]) <= 30 * 60 + 2
    assert Comment.objects.count() == 50


def test_post_to_closed_article_is_403_saying_closed(client, user):
    article = make_article(comments_open=False)

    response = post_as(client, user, article, "Too late?")

    assert response.status_code == 403
    assert "closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_post_after_the_articles_close_after_days_is_403_closed(client, user):
    article = make_article(
        published_at=timezone.now() - timedelta(days=8), close_comments_after_days=7
    )

    response = post_as(client, user, article, "Too late?")

    assert response.status_code == 403
    assert "closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_post_after_the_site_default_close_after_days_is_403_closed(client, user, settings):
    crosstalk(settings, COMMENTS_CLOSE_AFTER_DAYS=14)
    article = make_article(published_at=timezone.now() - timedelta(days=15))

    response = post_as(client, user, article, "Too late?")

    assert response.status_code == 403
    assert "closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_post_on_old_article_when_comments_never_close_is_accepted(client, user, settings):
    crosstalk(settings, COMMENTS_CLOSE_AFTER_DAYS=0)
    article = make_article(published_at=timezone.now() - timedelta(days=900))

    response = post_as(client, user, article, "Late, but still.")

    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.VISIBLE


def test_suspended_user_can_read_but_posting_is_403_with_until(client, user, article):
    until = timezone.now() + timedelta(days=2)
    sanction(user, until=until, reason="Personal attacks")
    client.force_login(user)

    assert client.get(article.get_absolute_url()).status_code == 200
    response = client.post(comments_url(article), {"body": "Let me back in."})

    assert response.status_code == 403
    # The page shows the sanction notice in place of the form (and so of its errors).
    notice = " ".join(parse_html(response.content).find(cls="sanction-notice").text().split())
    assert "suspended" in notice
    assert the_time(until) in notice
    assert not Comment.objects.exists()


def test_banned_user_posting_is_403(client, user, article):
    sanction(user, kind=Sanction.Kind.BAN, reason="Spam account")

    response = post_as(client, user, article, "Hello again")

    assert response.status_code == 403
    assert "banned" in parse_html(response.content).find(cls="sanction-notice").text()
    assert not Comment.objects.exists()


def test_screening_fields_in_the_post_are_ignored(client, user):
    article = make_article(premoderation=True)

    response = post_as(
        client,
        user,
        article,
        "Let me straight in.",
        status="visible",
        hold_reason="",
        is_featured="on",
        featured_at="2020-01-01T00:00:00Z",
        status_rule="2",
        edited_at="2020-01-01T00:00:00Z",
    )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "checked by a moderator" in comment.hold_reason
    assert comment.is_featured is False
    assert comment.featured_at is None
    assert comment.status_rule is None
    assert comment.edited_at is None


def test_banned_word_cannot_be_bypassed_by_posting_a_status(client, user, article):
    make_screening_word("idiot")

    response = post_as(client, user, article, "You idiot.", status="visible")

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_rejected_reply_writes_nothing(client, user, article):
    make_screening_word("idiot")
    parent = make_comment(article)

    response = post_as(client, user, article, "You idiot.", parent=str(parent.pk))

    assert response.status_code == 400
    assert Comment.objects.count() == 1
