"""The data migration that recounts held choices: every picked choice held, nothing else."""

import importlib

import pytest
from django.apps import apps

from registration.models import Choice, Question, Registration
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
recount = importlib.import_module("registration.migrations.0005_hold_every_chosen_choice").recount


def test_recount_holds_picked_choices_only_and_makes_an_overbooked_choice_full():
    event = EventFactory()
    tour = ChoiceFactory(question__event=event, capacity=1)
    guests = QuestionFactory(event=event, kind=Question.Kind.NUMBER)
    picked = {str(tour.question_id): tour.pk}
    # Held by a number answer (the old defect), and two real holders beyond the capacity.
    by_number = RegistrationFactory(
        event=event, answers={str(guests.pk): tour.pk}, held_choices=[tour.pk]
    )
    holders = [RegistrationFactory(event=event, answers=picked) for _ in range(2)]
    gone = RegistrationFactory(event=event, answers=picked, status="cancelled")
    Choice.objects.filter(pk=tour.pk).update(taken=1)

    recount(apps, None)

    tour.refresh_from_db()
    assert (tour.taken, tour.capacity) == (2, 2)
    held = dict(Registration.objects.values_list("pk", "held_choices"))
    assert held[by_number.pk] == []
    assert [held[r.pk] for r in holders] == [[tour.pk], [tour.pk]]
    assert held[gone.pk] == [tour.pk]  # recorded, but not counted: not active
