"""What happens to registrations, for notifications to react to.

Sent inside the transaction that made the change, so a listener's writes commit or roll back
with it.
"""

from django.dispatch import Signal

# Arguments: registration, previous_status (None when new), reason ("" or the organiser's).
registration_changed = Signal()
# Arguments: registration. The attendee asked for their manage link again.
manage_link_requested = Signal()
# Arguments: registration, new_email, token. The attendee asked to use another address: ask
# that address to confirm (the link carries `token`, see changes.confirm_email_change).
email_change_requested = Signal()
# Arguments: registration. The person erased their data (on request): it is gone from the
# database, and this in-memory registration is the last thing holding their address, for the
# one email saying so.
registration_erased = Signal()
# Arguments: event, erase_on (an aware datetime), recipients (the team's addresses). Tell them,
# once per event, that its registrants' personal data goes then (personal_data.apply_retention).
retention_warning_due = Signal()
# Arguments: event, registration_ids. Their personal data has just been erased (on request or
# by retention): nothing stored elsewhere (emails sent to them) may keep it.
personal_data_expired = Signal()
# Arguments: certificate. A certificate of attendance was just issued to a registrant: email
# them the link to it, once (its row is unique per registration).
certificate_issued = Signal()
