"""Data-processing notices: the text a registrant's consent refers to, one version at a time.

An event may write its own notice (in English, Vietnamese or both); until it does, the site's
default applies. Every version an event ever had is kept (`PrivacyNotice`), and a registration
records the label of the version it agreed to: "default-1", or "<event uuid>-v<n>". The default
text is fixed content, not a translation: changing it means a new default label.

"{event}" in a notice is replaced by the event's title when it is shown.
"""

import uuid as uuid_module
from typing import Any

from core.translation import choose

DEFAULT_NOTICE_VERSION = "default-1"

# The paragraph every registration before per-event notices agreed to, word for word.
DEFAULT_NOTICE_EN = (
    "The organisers of {event} store your name, contact details and answers to run this "
    "event: to confirm your place, send you reminders and changes, and check you in. They "
    "keep them until the retention period after the event ends, then erase them. You can "
    "download or erase your data at any time from the link in your confirmation email."
)
DEFAULT_NOTICE_VI = (
    "Ban tổ chức {event} lưu trữ họ tên, thông tin liên hệ và câu trả lời của Quý vị để phục "
    "vụ việc tổ chức sự kiện: xác nhận chỗ tham dự, gửi lời nhắc và thông báo thay đổi, và "
    "điểm danh. Dữ liệu được lưu giữ đến hết thời hạn lưu trữ sau khi sự kiện kết thúc, sau "
    "đó sẽ bị xóa. Quý vị có thể tải xuống hoặc xóa dữ liệu của mình bất cứ lúc nào qua đường "
    "dẫn trong email xác nhận."
)


def label_for(event_uuid: uuid_module.UUID | str, version: int) -> str:
    return f"{event_uuid}-v{version}"


def parse_label(label: str) -> tuple[uuid_module.UUID, int] | None:
    """(event uuid, version number) of an event's label, None for anything else."""
    event_part, separator, number = label.rpartition("-v")
    if not separator or not number.isdigit():
        return None
    try:
        return uuid_module.UUID(event_part), int(number)
    except ValueError:
        return None


def filled(text: str, title: str) -> str:
    return text.replace("{event}", title)


def as_dict(
    *, label: str, number: int | None, text_en: str, text_vi: str, title: str, created_at=None
) -> dict[str, Any]:
    text_en, text_vi = filled(text_en, title), filled(text_vi, title)
    return {
        "version": label,
        "number": number,
        "is_default": number is None,
        "text": choose(text_en, text_vi),
        "text_en": text_en,
        "text_vi": text_vi,
        "created_at": created_at,
    }


def default_notice(title: str) -> dict[str, Any]:
    return as_dict(
        label=DEFAULT_NOTICE_VERSION,
        number=None,
        text_en=DEFAULT_NOTICE_EN,
        text_vi=DEFAULT_NOTICE_VI,
        title=title,
    )


def notice_for(event, label: str | None = None) -> dict[str, Any] | None:
    """The notice of this event with this label (its current one if None), or None when the
    event never had such a version."""
    from .models import PrivacyNotice

    label = label or event.privacy_notice_label
    if label == DEFAULT_NOTICE_VERSION:
        return default_notice(event.title)
    if label.isdigit():  # a bare version number
        label = label_for(event.uuid, int(label))
    parsed = parse_label(label)
    if parsed is None or parsed[0] != event.uuid:
        return None
    notice = PrivacyNotice.objects.filter(event=event, version=parsed[1]).first()
    if notice is None:
        return None
    return as_dict(
        label=notice.label,
        number=notice.version,
        text_en=notice.text_en,
        text_vi=notice.text_vi,
        title=event.title,
        created_at=notice.created_at,
    )
