import email
import stat
from email import policy

from django.core.mail import EmailMultiAlternatives, get_connection


def test_eml_file_backend_writes_each_message_as_a_readable_file(tmp_path, settings):
    settings.OUTBOX_MAIL_DIR = tmp_path / "mail"  # made on demand
    connection = get_connection("outbox.backends.EmlFileBackend")
    messages = []
    for n in range(2):
        message = EmailMultiAlternatives(
            subject=f"Réponse {n}",
            body="Bonjour, Mina.",
            from_email="crosstalk <noreply@localhost>",
            to=["mina@example.org"],
            headers={"List-Unsubscribe": "<https://crosstalk.example/u/1/>"},
        )
        message.attach_alternative("<p>Bonjour, Mina.</p>", "text/html")
        messages.append(message)

    assert connection.send_messages(messages) == 2

    files = sorted((tmp_path / "mail").iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    parsed = [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    assert sorted(m["Subject"] for m in parsed) == ["Réponse 0", "Réponse 1"]
    first = parsed[0]
    assert first["To"] == "mina@example.org"
    assert first["List-Unsubscribe"] == "<https://crosstalk.example/u/1/>"
    assert first.get_body(preferencelist=("plain",)).get_content().strip() == "Bonjour, Mina."
    assert "<p>Bonjour, Mina.</p>" in first.get_body(preferencelist=("html",)).get_content()
