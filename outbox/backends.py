"""A mail backend for machines without a mail server: one .eml file per message."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Write each message, as it would go over SMTP, to its own file in OUTBOX_MAIL_DIR.

    Files are named <UTC time>-<random>.eml, so they sort by when they were written, and open
    in any mail client. The folder is made when missing; folder and files are readable by their
    owner only, as they hold readers' addresses and sign-in links.
    """

    def __init__(self, *, directory=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(directory or settings.OUTBOX_MAIL_DIR)

    def send_messages(self, email_messages) -> int:
        written = 0
        for message in email_messages:
            try:
                self.write(message.message().as_bytes())
            except OSError:
                if not self.fail_silently:
                    raise
            else:
                written += 1
        return written

    def write(self, content: bytes) -> Path:
        """Write one message and return its path; a reader never sees half a file."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
        path = self.directory / name
        partial = self.directory / f".{name}.part"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        os.replace(partial, path)
        return path
