"""Receivers of other apps' signals, connected in AccountsConfig.ready()."""

from accounts.services import email_mark_bounced


def address_bounced(sender, *, address: str, **kwargs) -> None:
    """Receiver of outbox.signals.address_bounced: the accounts with that address get no
    more mail until it is confirmed again (or changed)."""
    email_mark_bounced(address=address)
