"""Turn what events and registration announce into outbox rows, inside their transactions."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.dateparse import parse_datetime

from events.models import Event
from events.signals import event_cancelled, event_rescheduled, team_invited
from registration.models import Registration
from registration.seats import waitlist_position
from registration.signals import (
    email_change_requested,
    manage_link_requested,
    personal_data_expired,
    registration_changed,
    registration_erased,
    retention_warning_due,
)

from . import broadcasts, reminders
from . import outbox as notifications_outbox
from .models import Delivery, Message

Status = Registration.Status
Kind = Delivery.Kind


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
        notifications_outbox.queue_email(registration, kind, context)


@receiver(manage_link_requested, dispatch_uid="notifications.manage_link_requested")
def on_manage_link_requested(sender, registration, **kwargs):
    notifications_outbox.queue_email(registration, Kind.MANAGE_LINK)


@receiver(email_change_requested, dispatch_uid="notifications.email_change_requested")
def on_email_change_requested(sender, registration, new_email, token, **kwargs):
    notifications_outbox.queue_email_change(registration, new_email, token)


@receiver(registration_erased, dispatch_uid="notifications.registration_erased")
def on_registration_erased(sender, registration, **kwargs):
    # The person's emails are already forgotten (personal_data_expired). One last email says
    # it is done: to the address this in-memory registration still holds, storing no name;
    # the address itself is forgotten once it is sent.
    notifications_outbox.queue_email(registration, Kind.ERASED)


@receiver(retention_warning_due, dispatch_uid="notifications.retention_warning_due")
def on_retention_warning_due(sender, event: Event, erase_on, recipients, **kwargs):
    return notifications_outbox.queue_retention_warning(event, erase_on, recipients)


@receiver(personal_data_expired, dispatch_uid="notifications.personal_data_expired")
def on_personal_data_expired(sender, registration_ids, **kwargs):
    return notifications_outbox.forget_recipients(registration_ids)


@receiver(post_save, sender=Event, dispatch_uid="notifications.event_saved")
def on_event_saved(sender, instance: Event, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    if created:
        reminders.add_default_rules(instance)
    else:
        reminders.move_rules(instance, shift=None)


@receiver(event_rescheduled, dispatch_uid="notifications.event_rescheduled")
def on_event_rescheduled(sender, event: Event, changes: dict, **kwargs):
    if "start" in changes:
        old_start = changes["start"][0]  # as the audit log wrote it: ISO 8601
        reminders.move_rules(event, shift=event.start - parse_datetime(old_start))
    broadcasts.notify_all(event, Message.Kind.EVENT_CHANGED, {"changed": sorted(changes)})


@receiver(event_cancelled, dispatch_uid="notifications.event_cancelled")
def on_event_cancelled(sender, event: Event, **kwargs):
    broadcasts.notify_all(event, Message.Kind.EVENT_CANCELLED)


@receiver(team_invited, dispatch_uid="notifications.team_invited")
def on_team_invited(sender, invitation, token, **kwargs):
    notifications_outbox.queue_team_invitation(invitation, token)
