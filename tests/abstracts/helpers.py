"""Building calls, abstracts, reviewers and reviews for the call-for-abstracts tests."""

from datetime import timedelta

from django.utils import timezone

from abstracts import decisions, reviewing, setup, submission
from abstracts.models import Abstract, ContributionType, Criterion
from events.models import TeamMembership
from tests.factories import UserFactory


def open_call(event, **overrides):
    """An open call with two tracks, the default types (talk, poster) and criteria."""
    now = timezone.now()
    data = {
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=5),
        "review_deadline": now + timedelta(days=10),
        "word_limit": 50,
        "tracks": [
            {"name_en": "Materials", "name_vi": "Vật liệu"},
            {"name_en": "Energy", "name_vi": "Năng lượng"},
        ],
        **overrides,
    }
    owner = event.team.get(role="owner").user
    return setup.configure(event, actor=owner, data=data)


def talk(event) -> ContributionType:
    return ContributionType.objects.get(event=event, is_poster=False)


def author(n: int, **extra) -> dict:
    return {
        "name": f"Nguyễn Văn {n}",
        "email": f"author{n}@uni{n}.edu.vn",
        "affiliation": f"University {n}",
        "country": "VN",
        **extra,
    }


def payload(event, *, authors=None, **extra) -> dict:
    return {
        "title_en": "Graphene membranes for clean water",
        "title_vi": "Màng graphene cho nước sạch",
        "text_en": "We make membranes from graphene and test them on river water.",
        "keywords": ["graphene", "water"],
        "track": event.tracks.first().pk,
        "contribution_type": talk(event).pk,
        "authors": authors or [author(1, presenting=True), author(2)],
        "consent": True,
        "language": "en",
        **extra,
    }


def submit(event, **extra) -> Abstract:
    return submission.submit(event, payload(event, **extra))


def member(event, role: str, **user_fields):
    user = UserFactory(**user_fields)
    TeamMembership.objects.create(event=event, user=user, role=role)
    return user


def review(abstract, reviewer, score: int = 4, recommendation: str = "talk", **extra):
    scores = {str(c.pk): score for c in Criterion.objects.filter(event=abstract.event)}
    data = {"scores": scores, "recommendation": recommendation, **extra}
    return reviewing.save_review(abstract, reviewer, data)


def assign(abstract, reviewer):
    owner = abstract.event.team.get(role="owner").user
    return reviewing.assign(abstract, reviewer, actor=owner)


def decide(abstract, outcome: str = "talk"):
    owner = abstract.event.team.get(role="owner").user
    return decisions.decide(abstract, actor=owner, outcome=outcome)
