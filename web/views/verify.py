"""The certificate check anyone reaches from the QR code or the printed code: `/verify/<code>`."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.exceptions import NotFound
from registration import actions as registration_actions
from registration import certificates
from registration.certificate_pdf import period


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """A real certificate: its holder, event and dates. Any other code: 404, saying only that
    no certificate has it (altered, superseded and revoked codes alike)."""
    try:
        # The same action as the API's check: only wrong codes count on the abuse limit.
        certificate = registration_actions.verify_certificate(request, code)
    except NotFound:
        return render(request, "web/verify.html", {"code": code[:40]}, status=404)
    context = {
        "certificate": certificate,
        "name": certificates.holder_name(certificate),
        "event": certificate.event,
        "dates": period(certificate),
        "code": certificates.code_of(certificate),
    }
    return render(request, "web/verify.html", context)
