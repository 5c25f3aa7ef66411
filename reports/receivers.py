"""Published figures are cached; anything that changes them makes the cache stale."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from events.models import Event, Programme
from events.programme_models import ProgrammeTarget
from registration.models import CheckIn, Registration
from registration.signals import registration_changed

from . import services


@receiver(registration_changed)
def registration_moved(sender, previous_status=None, **kwargs) -> None:
    # A new registration (no previous status) changes the newest id, which is part of every
    # cached figure's key (services.newest_registration): nothing to do on the hot path.
    if previous_status is not None:
        services.figures_changed()


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
@receiver(post_save, sender=Programme)
@receiver(post_save, sender=ProgrammeTarget)
@receiver(post_delete, sender=ProgrammeTarget)
@receiver(post_delete, sender=Registration)
@receiver(post_save, sender=CheckIn)  # attendance per day
@receiver(post_delete, sender=CheckIn)
def row_changed(sender, **kwargs) -> None:
    services.figures_changed()
