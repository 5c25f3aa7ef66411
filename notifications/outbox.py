"""The outbox: emails written as Delivery rows in the transaction that causes them, and
forgotten with the person.

Delivery is exactly once per (message, person) by construction: a Delivery row is unique per
message and registration; sending.py claims and marks it.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation

from core.inserts import insert
from events.models import Event
from registration.models import Registration

from . import enqueue
from .models import ERASED_ADDRESS, Delivery, Message, OptOut

Kind = Delivery.Kind
State = Delivery.State


# --- Writing to the outbox ------------------------------------------------------------------


def queue_email(
    registration: Registration, kind: str, context: dict[str, Any] | None = None
) -> Delivery:
    """A transactional email, written in the caller's transaction, sent after commit."""
    delivery = Delivery(
        kind=kind,
        event_id=registration.event_id,
        registration_id=registration.pk,  # the id alone: nothing here reads the instance back
        to_email=registration.email,
        language=registration.language,
        context=context or {},
    )
    insert(delivery)  # the statement built once: this runs for every registration
    transaction.on_commit(enqueue.wake_outbox)
    return delivery


def queue_email_change(registration: Registration, new_email: str, token: str) -> Delivery:
    """The confirmation link goes to the new address only; the manage link never does."""
    delivery = Delivery.objects.create(
        kind=Kind.EMAIL_CHANGE,
        event_id=registration.event_id,
        registration=registration,
        to_email=new_email,
        language=registration.language,
        context={"confirm_url": f"{settings.SITE_URL}/e/{token}"},
    )
    transaction.on_commit(enqueue.wake_outbox)
    return delivery


def queue_retention_warning(event: Event, erase_on: datetime, recipients: list[str]) -> int:
    """Tell the team, in the caller's transaction, when its registrants' personal data goes.
    Organisers are not registrants: these deliveries have no registration."""
    rows = [
        Delivery(
            kind=Kind.RETENTION_WARNING,
            event=event,
            to_email=email,
            language=settings.LANGUAGE_CODE[:2],
            context={"erase_on": erase_on.isoformat()},
        )
        for email in recipients
    ]
    Delivery.objects.bulk_create(rows)
    transaction.on_commit(enqueue.wake_outbox)
    return len(rows)


def queue_team_invitation(invitation: Any, token: str) -> Delivery:
    """The invitee's one email, in the caller's transaction; it carries the only copy of the
    link (the invitation stores its hash)."""
    delivery = Delivery.objects.create(
        kind=Kind.TEAM_INVITATION,
        event=invitation.event,
        to_email=invitation.email,
        language=translation.get_language()[:2] if translation.get_language() else "en",
        context={
            "invitation_url": f"{settings.SITE_URL}/invitations/{token}",
            "role": invitation.role,
            "invited_by": _person(invitation.invited_by),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    transaction.on_commit(enqueue.wake_outbox)
    return delivery


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def forget_recipients(registration_ids: list[int]) -> int:
    """These people's data was erased (on request or by retention): the emails sent to them
    keep their kind, state and times (the delivery figures), not their address, name,
    subject, context or error text; what was still waiting to go is withdrawn."""
    deliveries = Delivery.objects.filter(registration_id__in=registration_ids)
    deliveries.filter(state=State.QUEUED).update(state=State.WITHDRAWN)
    forget_deliveries(deliveries)
    return deliveries.count()


def forget_deliveries(deliveries: QuerySet[Delivery]) -> int:
    """Blank what could name the recipient, here and in the admin's history of these rows."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    keys = [str(pk) for pk in deliveries.values_list("pk", flat=True)]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Delivery), object_id__in=keys
    ).update(object_repr=ERASED_ADDRESS, change_message="")
    return deliveries.update(to_email=ERASED_ADDRESS, context={}, subject="", last_error="")


def is_forgotten(delivery: Delivery) -> bool:
    """Nothing may be sent again to someone whose personal data was erased."""
    if delivery.to_email == ERASED_ADDRESS:
        return True
    registration = delivery.registration
    return registration is not None and registration.erased_at is not None


def audience(
    event: Event,
    *,
    statuses: Iterable[str] = (Registration.Status.CONFIRMED,),
    participant_types: Iterable[str] = (),
    checked_in: bool | None = None,
    registered_before=None,
    include_opted_out: bool = False,
) -> QuerySet[Registration]:
    people = Registration.objects.filter(event=event, status__in=list(statuses))
    if participant_types:
        people = people.filter(participant_type__in=list(participant_types))
    if checked_in is not None:
        people = people.filter(checked_in_at__isnull=not checked_in)
    if registered_before is not None:
        people = people.filter(created_at__lt=registered_before)
    if not include_opted_out:
        people = people.exclude(pk__in=OptOut.objects.values("registration_id"))
    return people


@transaction.atomic
def send_message(message: Message, people: QuerySet[Registration]) -> int:
    """One delivery per person (never two: the unique constraint), fanned out after commit."""
    return _write_deliveries(message, list(people.values_list("pk", "email", "language")))


def _write_deliveries(message: Message, people: list[tuple[int, str, str]]) -> int:
    """Delivery rows for these people, handed to the bulk workers once the caller commits."""
    if not people:
        return 0
    rows = [
        Delivery(
            kind=Kind.MESSAGE,
            message=message,
            event_id=message.event_id,
            registration_id=pk,
            to_email=email,
            language=language,
        )
        for pk, email, language in people
    ]
    created = Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ids = [pk for pk, _email, _language in people]
    first, last = min(ids), max(ids)
    transaction.on_commit(lambda: enqueue.fan_out(message.pk, registrations=(first, last)))
    return len(created)


def unsubscribe(registration: Registration) -> None:
    OptOut.objects.get_or_create(registration=registration)


def delivery_counts(event: Event) -> list[dict[str, Any]]:
    """Per message (reminder firing, broadcast, notice): how many deliveries in each state."""
    from django.db.models import Count

    rows = (
        Delivery.objects.filter(event=event, message__isnull=False)
        .values("message_id", "message__kind", "message__rule_id")
        .annotate(
            **{state: Count("id", filter=Q(state=state)) for state in State.values},
            total=Count("id"),
        )
        .order_by("message_id")
    )
    return list(rows)
