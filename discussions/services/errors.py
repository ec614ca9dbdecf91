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
