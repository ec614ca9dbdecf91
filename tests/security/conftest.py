import pytest
from django.db import connection, transaction

from tests.security.corpus import seed_corpus


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """Seed the hostile corpus once per module; every test's own writes roll back to it.

    Tests using it must be marked django_db, or pytest-django sets up no test database.
    """
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "not the test database"
        with transaction.atomic():
            yield seed_corpus()
            transaction.set_rollback(True)
