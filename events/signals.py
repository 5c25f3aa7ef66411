"""What happens to events, for other apps to react to. Sent inside the changing transaction."""

from django.dispatch import Signal

# Arguments: event, actor.
event_published = Signal()
# Arguments: event, actor.
event_cancelled = Signal()
# Arguments: event, actor, changes (field name -> [old, new]) for the time and venue fields.
event_rescheduled = Signal()
