"""Demo data for `make run`. Safe to run again: it only adds what is missing.

It lives in `web` because it fills every app: events, their questions and registrations.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from events import services
from events.models import Event, FieldOfScience, Programme
from events.programme_models import ProgrammeStaff, ProgrammeTarget
from registration import questions as registration_questions
from registration import seats as registration_seats
from registration.models import Registration

DEMO_PEOPLE = [
    ("Nguyễn Thị Lan", "VN", "Vietnam Academy of Science and Technology"),
    ("Trần Minh Quân", "VN", "Hanoi University of Science and Technology"),
    ("Lê Hoàng Yến", "VN", "Vietnam National University, Hanoi"),
    ("Phạm Đức Huy", "VN", "Can Tho University"),
    ("Yuki Tanaka", "JP", "University of Tokyo"),
    ("Kim Min-jun", "KR", "KAIST"),
    ("Anna Schmidt", "DE", "Fraunhofer Society"),
    ("Pierre Martin", "FR", "CNRS"),
    ("Somchai Wongsa", "TH", "Chulalongkorn University"),
    ("Siti Rahman", "MY", "University of Malaya"),
    ("James Carter", "AU", "CSIRO"),
    ("Maria Santos", "PH", "University of the Philippines"),
]

DEMO_EVENTS = [
    {
        "slug": "hanoi-innovation-forum",
        "title_en": "Hanoi Science & Technology Innovation Forum",
        "title_vi": "Diễn đàn Đổi mới sáng tạo Khoa học và Công nghệ Hà Nội",
        "summary_en": "Two days of talks on AI, semiconductors and green technology.",
        "summary_vi": "Hai ngày trao đổi về AI, bán dẫn và công nghệ xanh.",
        "kind": Event.Kind.FORUM,
        "scope": Event.Scope.INTERNATIONAL,
        "fields": ["1.2", "2.2", "2.10"],
        "venue_name": "National Convention Centre",
        "venue_address": "57 Phạm Hùng, Nam Từ Liêm",
        "venue_city": "Hà Nội",
        "venue_country": "VN",
        "format": Event.Format.HYBRID,
        "online_url": "https://meet.example.org/hanoi-forum",
        "days_ahead": 45,
        "capacity": 2000,
        "waitlist_enabled": True,
        "participant_list_public": True,
    },
    {
        "slug": "quantum-materials-workshop",
        "title_en": "Workshop on Quantum Materials",
        "title_vi": "Hội thảo Vật liệu lượng tử",
        "summary_en": "Hands-on sessions for young researchers.",
        "summary_vi": "Các phiên thực hành dành cho nhà nghiên cứu trẻ.",
        "kind": Event.Kind.WORKSHOP,
        "scope": Event.Scope.NATIONAL,
        "fields": ["1.3", "2.5"],
        "venue_name": "Institute of Physics",
        "venue_city": "Hà Nội",
        "venue_country": "VN",
        "format": Event.Format.IN_PERSON,
        "days_ahead": 20,
        "capacity": 60,
        "requires_approval": True,
    },
    {
        "slug": "mekong-agritech-seminar",
        "title_en": "Mekong Delta Agritech Seminar",
        "title_vi": "Tọa đàm Công nghệ nông nghiệp Đồng bằng sông Cửu Long",
        "kind": Event.Kind.SEMINAR,
        "scope": Event.Scope.NATIONAL,
        "fields": ["4.1", "4.4"],
        "venue_name": "Can Tho University",
        "venue_city": "Cần Thơ",
        "venue_country": "VN",
        "format": Event.Format.IN_PERSON,
        "days_ahead": 70,
        "capacity": 150,
    },
]


class Command(BaseCommand):
    help = "Load demo programmes, organisers and events (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        users = get_user_model()
        if not users.objects.filter(username="admin").exists():
            users.objects.create_superuser("admin", "admin@example.org", "admin-demo")
        organiser = users.objects.filter(username="organiser").first()
        if organiser is None:
            organiser = users.objects.create_user(
                "organiser", "organiser@example.org", "organiser-demo"
            )
        programme, _ = Programme.objects.get_or_create(
            code="07-CTr/TU",
            defaults={
                "title_en": "Hanoi programme for science, technology and innovation",
                "title_vi": (
                    "Chương trình phát triển khoa học, công nghệ và đổi mới sáng tạo Hà Nội"
                ),
                "first_year": 2021,
                "last_year": 2030,
                "responsible_body": "Hanoi Department of Science and Technology",
            },
        )
        self.add_programme_staff(programme)
        created = 0
        for spec in DEMO_EVENTS:
            if Event.objects.filter(slug=spec["slug"]).exists():
                continue
            data = {k: v for k, v in spec.items() if k != "days_ahead"}
            start = (timezone.now() + timedelta(days=spec["days_ahead"])).replace(
                hour=1, minute=30, second=0, microsecond=0
            )
            data.update(
                start=start,
                end=start + timedelta(hours=32 if spec["kind"] == Event.Kind.FORUM else 8),
                registration_closes=start - timedelta(hours=12),
                fields=list(FieldOfScience.objects.filter(code__in=spec["fields"])),
                programme=programme,
                host="Hanoi Department of Science and Technology",
            )
            event = services.create_event(user=organiser, data=data)
            services.save_session(
                event,
                user=organiser,
                data={
                    "title_en": "Opening keynote",
                    "title_vi": "Phát biểu khai mạc",
                    "start": start,
                    "end": start + timedelta(hours=1),
                    "room": "Hall A",
                    "speakers": [
                        {
                            "name": "Prof. Nguyễn Văn An",
                            "affiliation": "Vietnam National University",
                        }
                    ],
                },
            )
            event = services.publish_event(event, user=organiser)
            if spec["slug"] == "hanoi-innovation-forum":
                self.add_registrations(event)
            created += 1
        if not Event.objects.filter(slug="hanoi-ai-day-last-year").exists():
            self.add_held_event(programme, organiser)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new events)."))

    def add_programme_staff(self, programme: Programme) -> None:
        users = get_user_model()
        if users.objects.filter(username="programme").exists():
            return
        staff = users.objects.create_user("programme", "programme@example.org", "programme-demo")
        ProgrammeStaff.objects.create(programme=programme, user=staff)
        year = timezone.localdate().year
        for metric, value, scope in (
            ("events", 12, ""),
            ("events", 4, "international"),
            ("participants", 3000, ""),
            ("international_share", 15, ""),
        ):
            ProgrammeTarget.objects.create(
                programme=programme, year=year, metric=metric, scope=scope, value=value
            )

    def add_held_event(self, programme: Programme, organiser) -> None:
        """An event held last year, with who came: for the programme page and its report."""
        start = (timezone.now() - timedelta(days=60)).replace(
            hour=1, minute=30, second=0, microsecond=0
        )
        event = services.create_event(
            user=organiser,
            data={
                "slug": "hanoi-ai-day-last-year",
                "title_en": "Hanoi AI Day",
                "title_vi": "Ngày hội Trí tuệ nhân tạo Hà Nội",
                "kind": Event.Kind.CONFERENCE,
                "scope": Event.Scope.INTERNATIONAL,
                "venue_name": "Hanoi University of Science and Technology",
                "venue_city": "Hà Nội",
                "venue_country": "VN",
                "start": start,
                "end": start + timedelta(hours=8),
                "capacity": 300,
                "programme": programme,
                "fields": list(FieldOfScience.objects.filter(code__in=["1.2", "2.2"])),
            },
        )
        services.publish_event(event, user=organiser)
        rng = random.Random(11)  # noqa: S311 - a repeatable demo, not a secret
        people = [
            Registration(
                event=event,
                status=Registration.Status.CONFIRMED,
                name=f"{name} ({n})",
                email=f"held{n}@example.org",
                country=country,
                affiliation=affiliation,
                consent_at=start - timedelta(days=10),
                checked_in_at=start + timedelta(minutes=rng.randint(0, 90))
                if rng.random() < 0.8
                else None,
            )
            for n, (name, country, affiliation) in enumerate(DEMO_PEOPLE * 12)
        ]
        Registration.objects.bulk_create(people)  # the event is over: no emails, no seats

    def add_registrations(self, event: Event) -> None:
        """A study-tour question with a limited choice and a few dozen people, for the charts."""
        tour = registration_questions.save_question(
            event,
            {
                "kind": "single_choice",
                "label_en": "Which study tour would you like to join?",
                "label_vi": "Bạn muốn tham gia chuyến tham quan nào?",
                "choices": [
                    {
                        "label_en": "Hoa Lac Hi-Tech Park",
                        "label_vi": "Khu CNC Hòa Lạc",
                        "capacity": 40,
                    },
                    {"label_en": "No tour", "label_vi": "Không tham gia"},
                ],
            },
            actor=None,
        )
        choice_ids = [choice.pk for choice in tour.choices.all()]
        rng = random.Random(7)  # noqa: S311 - a repeatable demo, not a secret
        types = ["delegate", "delegate", "speaker", "press", "student"]
        now = timezone.now()
        for n in range(36):
            name, country, affiliation = DEMO_PEOPLE[n % len(DEMO_PEOPLE)]
            registration = registration_seats.register(
                event,
                {
                    "name": name if n < len(DEMO_PEOPLE) else f"{name} ({n})",
                    "email": f"demo{n}@example.org",
                    "country": country,
                    "affiliation": affiliation,
                    "language": "vi" if country == "VN" else "en",
                    "participant_type": types[n % len(types)],
                    "answers": {str(tour.pk): rng.choice(choice_ids)},
                    "consent": True,
                    "public_listing": n % 3 != 0,
                },
            )
            Registration.objects.filter(pk=registration.pk).update(
                created_at=now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
            )
