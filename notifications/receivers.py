"""Turn what registration announces into outbox rows, inside the announcing transaction."""

from django.dispatch import receiver

from registration.models import Registration
from registration.services import waitlist_position
from registration.signals import manage_link_requested, registration_changed, registration_erased

from . import services
from .models import OutboundEmail

Status = Registration.Status
Kind = OutboundEmail.Kind


def kind_for(registration: Registration, previous_status: str | None) -> str | None:
    status = registration.status
    if previous_status == Status.WAITLISTED and status in (Status.CONFIRMED, Status.PENDING):
        return Kind.PROMOTED
    if previous_status == Status.PENDING and status == Status.CONFIRMED:
        return Kind.APPROVED
    return {
        Status.CONFIRMED: Kind.CONFIRMED,
        Status.WAITLISTED: Kind.WAITLISTED,
        Status.PENDING: Kind.PENDING,
        Status.REJECTED: Kind.REJECTED,
        Status.CANCELLED: Kind.CANCELLED,
    }.get(status)


@receiver(registration_changed, dispatch_uid="notifications.registration_changed")
def on_registration_changed(sender, registration, previous_status, reason="", **kwargs):
    kind = kind_for(registration, previous_status)
    if kind:
        context = {"reason": reason} if reason else {}
        if kind == Kind.WAITLISTED:
            context["position"] = getattr(registration, "position", None) or waitlist_position(
                registration
            )
        services.queue_email(registration, kind, context)


@receiver(manage_link_requested, dispatch_uid="notifications.manage_link_requested")
def on_manage_link_requested(sender, registration, **kwargs):
    services.queue_email(registration, Kind.MANAGE_LINK)


@receiver(registration_erased, dispatch_uid="notifications.registration_erased")
def on_registration_erased(sender, registration, **kwargs):
    # Nothing queued may render from data about to be erased; the notice keeps only the name.
    OutboundEmail.objects.filter(
        registration=registration, state=OutboundEmail.State.QUEUED
    ).update(state=OutboundEmail.State.WITHDRAWN)
    services.queue_email(registration, Kind.ERASED, {"name": registration.name})
