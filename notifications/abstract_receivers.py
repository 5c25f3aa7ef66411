"""Turn what the call for abstracts announces into outbox rows, inside its transactions."""

from django.dispatch import receiver

from abstracts.signals import abstract_decided, abstract_submitted, review_reminder_due

from . import abstract_emails


@receiver(abstract_submitted, dispatch_uid="notifications.abstract_submitted")
def on_abstract_submitted(sender, abstract, **kwargs):
    return abstract_emails.queue_submitted(abstract)


@receiver(abstract_decided, dispatch_uid="notifications.abstract_decided")
def on_abstract_decided(sender, abstract, decision, **kwargs):
    return abstract_emails.queue_decided(abstract, decision)


@receiver(review_reminder_due, dispatch_uid="notifications.review_reminder_due")
def on_review_reminder_due(sender, assignment, **kwargs):
    return abstract_emails.queue_review_reminder(assignment)
