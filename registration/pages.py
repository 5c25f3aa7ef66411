"""The attendee's manage page, reached through the emailed link /r/<token>."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from events.exceptions import Conflict, NotFound

from . import services


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = services.find_by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.cancel(registration)
                messages.success(request, _("Your registration is cancelled."))
            elif action == "erase":
                services.erase_personal_data(registration)
                return render(request, "registration/erased.html", status=200)
        except Conflict as exc:
            messages.error(request, exc.message)
        return redirect(request.path)
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "start": event.local(event.start),
        "end": event.local(event.end),
        "position": services.waitlist_position(registration),
        "api": f"/api/v1/registrations/{registration.manage_token}/",
    }
    return render(request, "registration/manage.html", context)
