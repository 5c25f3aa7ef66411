"""Manage links: finding a registration by its token, emailing a lost link without telling
whether the address is registered, and revoking a link."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.emails import email_key
from core.exceptions import NotFound
from events.models import Event
from events.services import record

from .models import (
    ACTIVE_STATUSES,
    LinkRequest,
    Registration,
    new_manage_token,
)
from .signals import (
    manage_link_requested,
)


def find_by_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("event")
        .filter(manage_token=token, erased_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound(_("This link is not valid any more."))
    return registration


def request_manage_link(event: Event, email: str) -> None:
    """Email the manage link to this address if it has a registration; say nothing either way.

    The request does the same work whether or not the address is registered: one row in the
    link outbox, no lookup and no broker call. The worker answers it (`answer_link_requests`,
    from the outbox sweep), so neither the answer nor its timing tells who is registered.
    """
    LinkRequest.objects.create(event=event, email=email.strip()[:254])


def answer_link_requests(limit: int = 500) -> int:
    """Email each requested link whose address has a registration; forget every request."""
    answered = 0
    for request in LinkRequest.objects.order_by("id")[:limit]:
        with transaction.atomic():
            if not LinkRequest.objects.filter(pk=request.pk).delete()[0]:
                continue  # another worker took it
            mine = Registration.objects.filter(
                event_id=request.event_id, email_key=email_key(request.email), erased_at=None
            ).order_by("-id")
            registration = mine.filter(status__in=ACTIVE_STATUSES).first() or mine.first()
            if registration is not None:
                manage_link_requested.send(sender=Registration, registration=registration)
                answered += 1
    return answered


@transaction.atomic
def revoke_manage_link(registration: Registration, *, actor) -> Registration:
    """The old link stops working at once; the person is emailed a new one."""
    registration.manage_token = new_manage_token()
    registration.save(update_fields=["manage_token", "updated_at"])
    record(registration.event, actor, "registration.link_revoked", registration=registration.pk)
    manage_link_requested.send(sender=Registration, registration=registration)
    return registration
