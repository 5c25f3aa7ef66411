"""Pages of the call for abstracts (names in the "web" namespace: no app_name here)."""

from django.urls import path

from .views import abstracts

urlpatterns = [
    path("events/<slug:slug>/abstracts/submit/", abstracts.submit, name="abstract-submit"),
    path("organiser/events/<slug:slug>/reviews/", abstracts.reviews, name="reviews"),
    path("organiser/events/<slug:slug>/reviews/<int:pk>/", abstracts.review, name="review"),
    path("organiser/events/<slug:slug>/committee/", abstracts.committee, name="committee"),
]
