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
