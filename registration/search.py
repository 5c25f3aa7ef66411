"""Organiser search of registrations, without accents or case: "tran thi mai" finds "Trần Thị Mai".

The typed words are folded in Python (core.text.fold, the public event search's rule) and
the stored text is folded by the database at query time with the same rule, so nothing extra
has to be kept up to date when a name changes or is erased. PostgreSQL folds with `translate`
and `lower`; SQLite (the development server) with the same Python function, registered on
each connection.
"""

import functools
import re

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q, QuerySet, Value
from django.db.models.functions import Concat

from core.text import fold

# Every accented letter people write in Vietnamese, French, German... that folds to one letter.
_LETTER_RANGES = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))
SQLITE_FUNCTION = "scievents_fold"


@functools.cache
def _translation() -> tuple[str, str]:
    source, target = [], []
    for start, end in _LETTER_RANGES:
        for point in range(start, end + 1):
            char = chr(point)
            folded = fold(char)
            if len(folded) == 1 and folded != char and folded.isascii():
                source.append(char)
                target.append(folded)
    return "".join(source), "".join(target)


class Fold(Func):
    """The database's fold of a text expression: lower case, accents dropped."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        source, target = _translation()
        inner, params = compiler.compile(self.source_expressions[0])
        return f"lower(translate({inner}, %s, %s))", (*params, source, target)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _register_sqlite_fold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION,
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )


connection_created.connect(_register_sqlite_fold, dispatch_uid="registration.search.fold")


def normalise_code(typed: str) -> str:
    """A ticket code as typed at the door or in a search: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s\-‐-―]+", "", typed or "").upper()


SEARCHED_FIELDS = ("name", "email", "affiliation")


def search(queryset: QuerySet, text: str, fields: tuple[str, ...] = SEARCHED_FIELDS) -> QuerySet:
    """Registrations whose name, email or organisation (or only the given `fields`) hold every
    typed word, accents and case ignored, or whose ticket code holds the typed code."""
    words = fold(text).split()[:10]
    if not words:
        return queryset
    parts: list = []
    for name in fields:
        parts += [name, Value(" ")]
    searched = Fold(Concat(*parts[:-1], output_field=CharField()) if len(fields) > 1 else parts[0])
    matching = queryset.annotate(_search=searched)
    by_words = Q()
    for word in words:
        by_words &= Q(_search__contains=word)
    code = normalise_code(text)
    by_code = Q(ticket_code__contains=code) if len(code) >= 4 else Q(pk__in=[])
    return matching.filter(by_words | by_code)
