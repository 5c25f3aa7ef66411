from django.db.models.signals import post_save
from django.dispatch import receiver

from events.models import Event

from . import seats


@receiver(post_save, sender=Event, dispatch_uid="registration.sync_seats")
def follow_event(sender, instance: Event, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    seats.sync_seats(instance)
