import pytest

from outbox.signals import address_bounced
from tests.smtp_server import smtp_server  # noqa: F401 (a fixture)


@pytest.fixture
def bounces():
    """The address_bounced signals sent during the test, as (address, mail) pairs."""
    received = []

    def receiver(sender, *, address, mail, **kwargs):
        received.append((address, mail))

    address_bounced.connect(receiver, dispatch_uid="tests.outbox.bounces")
    yield received
    address_bounced.disconnect(dispatch_uid="tests.outbox.bounces")
