import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection

from articles import page_cache
from tests.factories import ensure_comment_policy, make_article, make_moderator, make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    page_cache.forget_states()
    yield
    cache.clear()
    page_cache.forget_states()


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def article(db):
    return make_article()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def other_user(db):
    return make_user()


@pytest.fixture
def whole_discussion(settings):
    """Render every comment of a discussion inline on one page."""
    settings.CROSSTALK = {
        **settings.CROSSTALK,
        "PAGE_COMMENT_BUDGET": 100_000,
        "MAX_INLINE_DEPTH": 10_000,
        "MAX_INLINE_REPLIES": 100_000,
    }
    return settings.CROSSTALK


@pytest.fixture
def comment_policy(db):
    """Make sure the default Comment Policy rules, version 1 and the Moderators group exist."""
    ensure_comment_policy()


@pytest.fixture
def moderator(db):
    """A staff user in the Moderators group."""
    return make_moderator(username="moderator-min", display_name="Min the Moderator")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After every test that wrote to the database: each comment's stored markup must be what
    rendering it now gives (discussions.markup). A write that changes what a comment shows
    and forgets to refresh its markup fails the test that made it."""
    result = yield
    uses_db = item.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        getattr(item, "fixturenames", ())
    )
    if uses_db and connection.connection is not None:
        from discussions.markup import stale
        from discussions.models import Comment

        try:
            found = stale(Comment._base_manager.all())
        except DatabaseError:  # the test left the database unreachable or its transaction broken
            return result
        assert not found, f"comments whose stored markup is out of date: {found[:20]}"
    return result
