"""Every choice picked in answer to a choice question is now held (limited or not), and only
those are: recount `held_choices` and each choice's `taken` from the active registrations.

A limited choice found holding more people than its capacity (a number answer equal to its
id used to take a seat; a capacity put on a choice ignored earlier holders) is made exactly
full: nobody is taken off, and nobody more gets in.
"""

from collections import Counter

from django.db import migrations

ACTIVE = ("confirmed", "pending", "waitlisted")
CHOICE_KINDS = ("single_choice", "multiple_choice")


def recount(apps, schema_editor):
    Question = apps.get_model("registration", "Question")
    Choice = apps.get_model("registration", "Choice")
    Registration = apps.get_model("registration", "Registration")
    own: dict[int, set[int]] = {}
    for choice_id, question_id in Choice.objects.filter(
        question__kind__in=CHOICE_KINDS
    ).values_list("pk", "question_id"):
        own.setdefault(question_id, set()).add(choice_id)
    by_event: dict[int, list[int]] = {}
    for question_id, event_id in Question.objects.filter(pk__in=own).values_list(
        "pk", "event_id"
    ):
        by_event.setdefault(event_id, []).append(question_id)
    holders: Counter[int] = Counter()
    registrations = Registration.objects.filter(event_id__in=by_event).only(
        "pk", "event_id", "status", "answers", "held_choices"
    )
    for registration in registrations.iterator(chunk_size=2000):
        held = set()
        answers = registration.answers if isinstance(registration.answers, dict) else {}
        for question_id in by_event.get(registration.event_id, []):
            value = answers.get(str(question_id))
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, int) and not isinstance(item, bool):
                    if item in own[question_id]:
                        held.add(item)
        held_list = sorted(held)
        if registration.held_choices != held_list:
            Registration.objects.filter(pk=registration.pk).update(held_choices=held_list)
        if registration.status in ACTIVE:
            holders.update(held_list)
    for choice in Choice.objects.all().only("pk", "capacity", "taken"):
        taken = holders.get(choice.pk, 0)
        capacity = choice.capacity
        if capacity is not None and taken > capacity:
            capacity = taken
        if (taken, capacity) != (choice.taken, choice.capacity):
            Choice.objects.filter(pk=choice.pk).update(taken=taken, capacity=capacity)


class Migration(migrations.Migration):
    dependencies = [("registration", "0004_drop_plaintext_api_tokens")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
