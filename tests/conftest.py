import pytest
from django.core.cache import cache

from tests.factories import make_article, make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


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
