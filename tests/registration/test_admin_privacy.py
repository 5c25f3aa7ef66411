"""The admin keeps the consent rule and the audit trail of the API."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from events.models import AuditLogEntry
from registration.models import Registration
from tests.factories import UserFactory

from .helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_cannot_set_public_listing(superuser_client, event):
    registration = register(event, 1)

    page = superuser_client.get(f"/admin/registration/registration/{registration.pk}/change/")

    assert page.status_code == 200
    assert 'name="public_listing"' not in page.content.decode()


def test_admin_change_is_audited_with_field_names(event):
    registration = register(event, 1)
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user = staff
    model_admin = admin.site._registry[Registration]
    form = type("Form", (), {"changed_data": ["affiliation"]})()
    registration.affiliation = "Secret Lab"

    model_admin.save_model(request, registration, form, change=True)

    entry = AuditLogEntry.objects.get(action="registration.updated")
    assert entry.changes == {
        "registration": registration.pk,
        "fields": ["affiliation"],
        "via": "admin",
    }
    assert entry.actor == staff
