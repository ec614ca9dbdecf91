"""What happens to comments, for the apps that act on it (notifications). Each is sent by
discussions.services inside the transaction of its change, so a receiver's rows commit or roll
back with it; a receiver defers anything outside the database with transaction.on_commit."""

from django.dispatch import Signal

# A comment entered the discussion for everyone: posted visible, or approved after a hold.
# Keyword argument: comment.
comment_published = Signal()

# A comment left the discussion (removed, spam, deleted by its author, held again).
# Keyword argument: comment.
comment_withdrawn = Signal()

# A decision its author is told of. Keyword arguments: comment, decision ("held", "approved",
# "removed"), moderator (None for screening and reader flags), rule (or None).
comment_decided = Signal()

# The editors picked it. Keyword arguments: comment, moderator.
comment_featured = Signal()
