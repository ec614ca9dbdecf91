"""Signals of the outbox."""

from django.dispatch import Signal

# Sent with sender=OutgoingMail, address (the "to" of the mail) and mail (the OutgoingMail)
# when the receiving server refused that address or the mail for good (a 5xx reply), inside
# the transaction that marks the mail bounced: whatever a receiver writes commits with it.
address_bounced = Signal()
