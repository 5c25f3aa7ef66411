import email
from email import policy

from notifications.mime import WrittenEmail


def parse(message: WrittenEmail):
    data = message.message().as_bytes(linesep="\r\n")
    return email.message_from_bytes(data, policy=policy.default)


def vietnamese_email() -> WrittenEmail:
    message = WrittenEmail(
        subject="Nhắc lịch: Hội nghị Khoa học",
        body="Kính gửi Nguyễn Văn An,\n\nHẹn gặp Quý vị.\n" + "dài " * 400,
        from_email="Ban tổ chức <noreply@example.org>",
        to=["an@example.org"],
        headers={"List-Unsubscribe": "<https://example.org/u/abc>"},
    )
    message.attach_alternative("<p>Kính gửi <b>Nguyễn Văn An</b></p>", "text/html")
    return message


def test_written_email_parses_back_to_what_was_written():
    parsed = parse(vietnamese_email())

    assert parsed["Subject"] == "Nhắc lịch: Hội nghị Khoa học"
    assert parsed["To"] == "an@example.org"
    assert parsed["List-Unsubscribe"] == "<https://example.org/u/abc>"
    assert "Ban tổ chức" in str(parsed["From"])
    assert parsed.get_body(("plain",)).get_content().startswith("Kính gửi Nguyễn Văn An,")
    assert "<b>Nguyễn Văn An</b>" in parsed.get_body(("html",)).get_content()


def test_written_email_has_unique_message_ids():
    first, second = parse(vietnamese_email()), parse(vietnamese_email())

    assert first["Message-ID"] and first["Message-ID"] != second["Message-ID"]


def test_written_email_lines_stay_short():
    data = vietnamese_email().message().as_bytes(linesep="\r\n")

    assert max(len(line) for line in data.split(b"\r\n")) <= 998


def test_written_email_refuses_multi_line_headers():
    import pytest

    message = vietnamese_email()
    message.extra_headers["X-Bad"] = "a\r\nBcc: victim@example.org"

    with pytest.raises(ValueError):
        message.message()


def ticket_email(language: str = "vi") -> WrittenEmail:
    message = WrittenEmail(
        subject="Đăng ký của Quý vị cho Hội thảo quốc tế về vật liệu lượng tử đã được xác nhận",
        body="Kính gửi Nguyễn Văn An,",
        from_email="Ban tổ chức <noreply@example.org>",
        to=["an@example.org"],
        language=language,
    )
    message.attach_alternative("<p>Kính gửi Nguyễn Văn An,</p>", "text/html")
    message.attach("ticket-ABCD.png", b"\x89PNG\r\n\x1a\n", "image/png")
    message.attach(
        "hoi-thao.ics", b"BEGIN:VCALENDAR\r\nSUMMARY:H\xe1\xbb\x99i\r\n", "text/calendar"
    )
    return message


def test_written_email_with_attachments_is_mixed_around_the_alternatives():
    parsed = parse(ticket_email())

    assert parsed.get_content_type() == "multipart/mixed"
    assert [part.get_content_type() for part in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "image/png",
        "text/calendar",
    ]
    png, ics = parsed.iter_attachments()
    assert (png.get_filename(), png.get_content()) == ("ticket-ABCD.png", b"\x89PNG\r\n\x1a\n")
    assert (ics.get_filename(), ics.get_content()) == (
        "hoi-thao.ics",
        "BEGIN:VCALENDAR\r\nSUMMARY:Hội\r\n",
    )


def test_written_email_labels_every_part_with_the_readers_language():
    parsed = parse(ticket_email("vi"))

    assert {part["Content-Language"] for part in parsed.walk()} == {"vi"}


def test_written_email_is_marked_automatic():
    assert parse(ticket_email())["Auto-Submitted"] == "auto-generated"


def test_written_email_folds_a_long_subject_with_crlf_and_a_space():
    data = ticket_email().message().as_bytes(linesep="\r\n")

    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in head.replace(b"\r\n", b"")
    subject = head[head.index(b"Subject:") :].split(b"\r\n")
    assert subject[1].startswith(b" =?utf-8?")
    assert max(len(line) for line in head.split(b"\r\n")) <= 78


def test_written_email_folds_long_ascii_headers_at_spaces_only():
    message = vietnamese_email()
    message.subject = "Reminder: " + " and ".join(
        ["International Workshop on Quantum Materials"] * 3
    )
    message.extra_headers["List-Unsubscribe"] = "<https://example.org/u/" + "x" * 90 + ">"

    parsed = parse(message)

    assert parsed["Subject"] == message.subject
    assert parsed["List-Unsubscribe"] == message.extra_headers["List-Unsubscribe"]


def test_written_email_is_shown_by_the_console_backend(capsys):
    from django.core.mail.backends.console import EmailBackend

    EmailBackend().send_messages([ticket_email()])

    assert "Auto-Submitted: auto-generated" in capsys.readouterr().out
