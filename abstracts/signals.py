"""What happens to abstracts, for notifications to react to.

Sent inside the transaction that made the change, so a listener's writes (the outbox rows)
commit or roll back with it.
"""

from django.dispatch import Signal

# Arguments: abstract. A new abstract: the submitter gets their private link, every other
# author is told they were listed.
abstract_submitted = Signal()
# Arguments: abstract, decision. The committee decided: every author is told, once.
abstract_decided = Signal()
# Arguments: assignment. A reviewer has an unfinished review and the deadline is near.
review_reminder_due = Signal()
