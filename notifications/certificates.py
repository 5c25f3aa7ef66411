"""The certificate email: after the event, the link to the attendee's certificate.

Written to the outbox in the transaction that issues the certificate (registration's
`certificate_issued`), so the email exists exactly when the certificate does; the database
holds it to one such email per registration.
"""

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registration import certificates
from registration.certificate_pdf import period
from registration.signals import certificate_issued

from .enqueue import wake_outbox
from .mime import WrittenEmail
from .models import Delivery
from .rendering import written_email


@receiver(certificate_issued, dispatch_uid="notifications.certificate_issued")
def on_certificate_issued(sender, certificate, **kwargs) -> None:
    """The email, unless this person was already sent one (a certificate deleted in the admin
    and issued again): the unique index answers, and the insert does nothing."""
    registration = certificate.registration
    delivery = Delivery(
        kind=Delivery.Kind.CERTIFICATE,
        event_id=registration.event_id,
        registration=registration,
        to_email=registration.email,
        language=registration.language,
    )
    Delivery.objects.bulk_create([delivery], ignore_conflicts=True)
    transaction.on_commit(wake_outbox)


def render_certificate_email(delivery: Delivery) -> WrittenEmail:
    """Written when sent: the link always opens the certificate's latest issue, and the code
    shown is the one that verifies now."""
    registration = delivery.registration
    event = registration.event
    certificate = certificates.of_registration(registration)
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        context = {
            "language": delivery.language,
            "name": registration.name,
            "title": event.title,
            "dates": period(certificate),
            "hours": certificates.hours(certificate),
            "host": event.host.name if event.host_id else "",
            "certificate_url": settings.SITE_URL
            + reverse("registration-certificate-pdf", args=[registration.manage_token]),
            "verify_url": certificates.verify_url(certificate),
            "code": certificates.code_of(certificate),
        }
        subject = _("Your certificate of attendance: %(event)s") % {"event": event.title}
        text = render_to_string("notifications/email/certificate.txt", context)
        html = render_to_string("notifications/email/certificate.html", context)
    return written_email(delivery, subject, text, html)
