"""The audit log read as sentences with names: "Mai Tran approved Nguyễn Văn An".

Entries keep their codes and ids (the API's ``action`` and ``changes``); this turns them into
a sentence in the reader's language when read, so a renamed person or an erased registrant
reads as they are now, never as a stored id.
"""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .models import AuditLogEntry, TeamMembership

# One sentence template per action; %(actor)s is who did it. Marked here, translated when read.
SENTENCES = {
    "event.created": N_("%(actor)s created the event."),
    "event.updated": N_("%(actor)s changed the event's details."),
    "event.published": N_("%(actor)s published the event."),
    "event.cancelled": N_("%(actor)s cancelled the event."),
    "event.deleted": N_("%(actor)s deleted the event."),
    "event.duplicated": N_("%(actor)s created the event as a copy of “%(source)s”."),
    "team.added": N_("%(actor)s added %(member)s to the team as %(role)s."),
    "team.role_changed": N_("%(actor)s changed the role of %(member)s to %(role)s."),
    "team.removed": N_("%(actor)s removed %(member)s from the team."),
    "team.invited": N_("%(actor)s invited %(email)s to the team as %(role)s."),
    "team.invitation_withdrawn": N_("%(actor)s withdrew the invitation of %(email)s."),
    "team.invitation_accepted": N_("%(actor)s accepted the invitation and joined as %(role)s."),
    "session.created": N_("%(actor)s added the session “%(session)s” to the agenda."),
    "session.updated": N_("%(actor)s changed the session “%(session)s”."),
    "session.deleted": N_("%(actor)s removed the session “%(session)s” from the agenda."),
    "question.created": N_("%(actor)s added the question “%(question)s”."),
    "question.updated": N_("%(actor)s changed the question “%(question)s”."),
    "question.deleted": N_("%(actor)s removed the question “%(question)s”."),
    "registration.approved": N_("%(actor)s approved %(registrant)s."),
    "registration.rejected": N_("%(actor)s rejected %(registrant)s."),
    "registration.cancelled": N_("%(actor)s cancelled the registration of %(registrant)s."),
    "registration.checked_in": N_("%(actor)s checked %(registrant)s in."),
    "registration.check_in_undone": N_("%(actor)s undid the check-in of %(registrant)s."),
    "registration.walk_in": N_("%(actor)s registered %(registrant)s at the door."),
    "registration.link_revoked": N_("%(actor)s revoked the personal link of %(registrant)s."),
    "reminder.created": N_("%(actor)s added a reminder."),
    "reminder.updated": N_("%(actor)s changed a reminder."),
    "reminder.deleted": N_("%(actor)s removed a reminder."),
    "broadcast.sent": N_("%(actor)s sent an email to registrants."),
    "delivery.resent": N_("%(actor)s sent an email again."),
    "delivery.bounced": N_("%(actor)s marked an email as bounced."),
    # The presenting author answers through the abstract's private link: no account.
    "abstract.confirmed": N_(
        "The presenting author confirmed they will present abstract %(abstract)s."
    ),
    "abstract.declined": N_(
        "The presenting author declined abstract %(abstract)s: it left the programme."
    ),
}


def person_name(user: Any) -> str:
    """A user as people call them: the full name, else the username."""
    return user.get_full_name() or user.get_username()


def _registrants(entries: list[AuditLogEntry]) -> dict[int, str]:
    """The names of the registrations the entries mention, erased ones as such."""
    ids = {
        entry.changes.get("registration")
        for entry in entries
        if isinstance(entry.changes, dict) and isinstance(entry.changes.get("registration"), int)
    }
    if not ids:
        return {}
    registration_model = apps.get_model("registration", "Registration")
    found = registration_model.objects.filter(pk__in=ids).values_list("pk", "name", "erased_at")
    return {pk: (_("an erased registrant") if erased else name) for pk, name, erased in found}


def _members(entries: list[AuditLogEntry]) -> dict[str, str]:
    """The names of the team members the entries mention by username."""
    usernames = {
        entry.changes.get("member")
        for entry in entries
        if isinstance(entry.changes, dict) and isinstance(entry.changes.get("member"), str)
    }
    if not usernames:
        return {}
    users = get_user_model().objects.filter(username__in=usernames)
    return {user.get_username(): person_name(user) for user in users}


def _role(value: Any) -> str:
    if isinstance(value, list) and value:
        value = value[-1]
    try:
        return str(TeamMembership.Role(value).label)
    except ValueError:
        return str(value)


def _sentence(entry: AuditLogEntry, registrants: dict[int, str], members: dict[str, str]) -> str:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    registrant = registrants.get(changes.get("registration"), _("a registrant"))
    if entry.actor is not None:
        actor = person_name(entry.actor)
    elif entry.action == "registration.cancelled":
        actor = registrant if registrant != _("an erased registrant") else _("A registrant")
    else:
        actor = _("A participant or the system")
    values = {
        "actor": actor,
        "registrant": registrant,
        "member": members.get(changes.get("member"), changes.get("member") or _("someone")),
        "role": _role(changes.get("role", "")),
        "session": changes.get("session", ""),
        "question": changes.get("question", ""),
        "source": changes.get("source", ""),
        "email": changes.get("email", ""),
        "abstract": changes.get("abstract", ""),
        "action": entry.action,
    }
    if entry.action == "registration.cancelled" and entry.actor is None:
        return _("%(actor)s cancelled their registration.") % values
    template = SENTENCES.get(entry.action, N_("%(actor)s: %(action)s"))
    return _(template) % values


def sentences(entries: Iterable[AuditLogEntry]) -> list[str]:
    """One sentence per entry, in the active language, with two queries for all names."""
    entries = list(entries)
    registrants, members = _registrants(entries), _members(entries)
    return [_sentence(entry, registrants, members) for entry in entries]
