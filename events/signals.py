"""What happens to events, for other apps to react to. Sent inside the changing transaction."""

from django.dispatch import Signal

# Arguments: event, actor.
event_published = Signal()
# Arguments: event, actor.
event_cancelled = Signal()
# Arguments: event, actor, changes (field name -> [old, new]) for the time and venue fields.
event_rescheduled = Signal()
# Arguments: invitation, token (the raw link token, known only until this email is written).
team_invited = Signal()
