from discussions.models import Sanction


class ActionRefused(Exception):
    """A discussion write the rules do not allow; the message says why, in words a reader
    understands, with the HTTP status that fits (and seconds to wait, for rate limits)."""

    def __init__(self, message: str, *, code: str, status: int = 400, retry_after=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.retry_after = retry_after


class CommentRejected(ActionRefused):
    """Screening or the tree refused a new comment."""


class ModerationError(ActionRefused):
    """A moderation step, flag or author's edit the rules do not allow."""

    def __init__(self, message: str, *, code: str = "refused", status: int = 400):
        super().__init__(message, code=code, status=status)


def check_reaction(comment, user, *, allowed: bool, refusals: dict, error=ActionRefused) -> None:
    """Raise `error` unless the user may react to the comment (vote, flag): refusals gives the
    words for a comment that takes no reactions ("hidden", 404), for the user's own comment
    ("own", 403) and for a sanctioned user ("sanctioned", 403). allowed: the model predicate's
    answer for this user."""
    if not comment.takes_reactions():
        raise error(refusals["hidden"], code="hidden", status=404)
    if not allowed:
        raise error(refusals["own"], code="own_comment", status=403)
    if Sanction.objects.in_force_for(user) is not None:
        raise error(refusals["sanctioned"], code="sanctioned", status=403)
