import pytest
from django.core.cache import cache

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
