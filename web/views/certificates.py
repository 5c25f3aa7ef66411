"""The organisers' certificates page: who has one, their PDFs, re-issuing, speakers'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events import selectors as event_selectors
from registration import certificates
from registration import selectors as registration_selectors

from .organiser import CHANGE, render_event_page, team_event

PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def certificates_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Certificates name people: the owner and organisers only, like the exports."""
    event = team_event(request, slug, need=CHANGE)
    if request.method == "POST":
        _act(request, event)
        return redirect(request.get_full_path())
    issued = certificates.of_event(event).order_by("kind", "id")
    page = Paginator(issued, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "certificate": certificate,
            "name": certificates.holder_name(certificate),
            "code": certificates.code_of(certificate),
            "hours": certificates.hours(certificate) if certificate.registration_id else "",
        }
        for certificate in page
    ]
    speakers = registration_selectors.speakers_with_certificates(event)
    return render_event_page(
        request,
        "web/desk/certificates.html",
        event,
        tab="registrations",
        context={"page": page, "rows": rows, "speakers": speakers},
    )


def _act(request: HttpRequest, event) -> None:
    action, ident = request.POST.get("action"), request.POST.get("id", "")
    if not ident.isdigit():
        raise Http404(_("No certificate of this event has this number."))
    if action == "reissue":
        certificate = certificates.of_event(event).filter(pk=ident).first()
        if certificate is None:
            raise Http404(_("No certificate of this event has this number."))
        certificates.reissue(certificate, actor=request.user)
        messages.success(request, _("Re-issued: the new code verifies, the old one no longer."))
    elif action == "issue":
        speaker = event_selectors.speaker_of(event, ident)
        if speaker is None:
            raise Http404(_("This speaker is not on the event's agenda."))
        certificates.issue_presentation(speaker, actor=request.user)
        messages.success(request, _("Certificate of presentation issued."))
    else:
        raise Http404(_("Unknown action."))
