"""Organiser pages that run an event: registrations, email, door check-in, audit log."""

urlpatterns: list = []
