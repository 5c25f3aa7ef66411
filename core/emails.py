"""Email addresses compared as mail servers deliver them.

A quoted local part is the same mailbox as the unquoted one (`"victim"@example.org` is
`victim@example.org`, RFC 5321 §4.1.2), a quoted-pair `\\x` is the character `x`, and the
domain is case-insensitive. The local part is compared without case too: RFC 5321 lets a
server tell `Victim` from `victim`, but the providers people actually use do not, and a
registration rule that treated them as two people would let one person register twice.

The address is always stored and used for delivery exactly as typed; only comparisons (the
one-registration-per-event rule, enforced by the database on `Registration.email_key`, and
every per-address abuse limit) use the key.
"""

from django.db.models import Value
from django.db.models.expressions import Expression
from django.db.models.functions import Lower, Replace


def email_key(address: str) -> str:
    """The comparison key of an address: quotes and quoted-pair backslashes dropped, lower case."""
    return (address or "").strip().replace('"', "").replace("\\", "").lower()


def email_key_expression(field: str = "email") -> Expression:
    """The same key computed by the database (the stored generated column uses it)."""
    return Lower(Replace(Replace(field, Value('"'), Value("")), Value("\\"), Value("")))


def per_event(event_id: int, address: str) -> str:
    """What a per-address abuse limit counts by: the address's key, for one event only, so
    attempts at one event never lock the address out of the others."""
    return f"{event_id}:{email_key(address)}"
