"""The certificate check anyone reaches from the QR code or the printed code: `/verify/<code>`."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import ratelimit
from core.exceptions import NotFound
from registration import certificates
from registration.certificate_pdf import period


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """A real certificate: its holder, event and dates. Any other code: 404, saying only that
    no certificate has it (altered, superseded and revoked codes alike)."""
    try:
        certificate = certificates.find_by_code(code)
    except NotFound:
        ratelimit.limit(request, "token")  # only wrong codes count
        return render(request, "web/verify.html", {"code": code[:40]}, status=404)
    context = {
        "certificate": certificate,
        "name": certificates.holder_name(certificate),
        "event": certificate.event,
        "dates": period(certificate),
        "code": certificates.code_of(certificate),
    }
    return render(request, "web/verify.html", context)
