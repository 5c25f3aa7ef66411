"""Organiser pages that set an event up: details, questions, agenda, team, reminders, publish."""

urlpatterns: list = []
