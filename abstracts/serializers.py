"""What the call-for-abstracts API reads and writes.

Input serializers check types and sizes; the rules (window, word limit, one presenting author,
conflicts) are the services'. Output comes in three cuts: the full abstract (its submitter
and the organisers), the committee's board row, and the reviewer's view, which leaves the
authors out under double-blind review and never carries an email address.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import BoundedDateTimeField

from .models import (
    Abstract,
    AbstractQuestion,
    Author,
    Call,
    ContributionType,
    Criterion,
    Decision,
    Review,
    Track,
)

LANGUAGE = serializers.ChoiceField(choices=["en", "vi"], required=False)


class TrackSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Track
        fields = ["id", "name", "name_en", "name_vi"]


class ContributionTypeSerializer(TrackSerializer):
    class Meta:
        model = ContributionType
        fields = ["id", "name", "name_en", "name_vi", "is_poster", "minutes"]
        # The model's constraint, said as a 400 rather than found by the database.
        extra_kwargs = {"minutes": {"min_value": 1, "max_value": 1440}}


class CriterionSerializer(TrackSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "name_en", "name_vi", "max_score"]
        # From 1 to at least 2 (the model's constraint); at most 10, since reviewers pick
        # the score from a list of every step.
        extra_kwargs = {"max_score": {"min_value": 2, "max_value": 10}}


class AbstractQuestionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = AbstractQuestion
        fields = ["id", "kind", "label", "label_en", "label_vi", "required"]


class TopicSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CallSerializer(serializers.ModelSerializer):
    """Times are the event's local times unless they carry an offset."""

    opens_at = BoundedDateTimeField()
    closes_at = BoundedDateTimeField()
    review_deadline = BoundedDateTimeField(required=False, allow_null=True)
    tracks = TrackSerializer(many=True, required=False)
    contribution_types = ContributionTypeSerializer(many=True, required=False)
    criteria = CriterionSerializer(many=True, required=False)
    questions = AbstractQuestionSerializer(many=True, required=False)
    topics = TopicSerializer(many=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Call
        fields = [
            "opens_at",
            "closes_at",
            "review_deadline",
            "word_limit",
            "reviewers_per_abstract",
            "blind",
            "remind_hours_before",
            "is_open",
            "tracks",
            "contribution_types",
            "criteria",
            "questions",
            "topics",
        ]
        extra_kwargs = {
            "word_limit": {"max_value": 5000},
            "reviewers_per_abstract": {"max_value": 20},
        }


class AuthorInputSerializer(serializers.Serializer):
    """Types and sizes only: the service checks names and addresses with the other rules, so
    a form shows every error at once."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    affiliation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="ISO 3166-1 code or name."
    )
    presenting = serializers.BooleanField(required=False, default=False)
    language = LANGUAGE


class SubmitSerializer(serializers.Serializer):
    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_vi = serializers.CharField(max_length=300, required=False, allow_blank=True)
    text_en = serializers.CharField(max_length=40000, required=False, allow_blank=True)
    text_vi = serializers.CharField(max_length=40000, required=False, allow_blank=True)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=10
    )
    track = serializers.IntegerField(required=False, allow_null=True)
    contribution_type = serializers.IntegerField(required=False)
    topic = serializers.CharField(max_length=10, required=False, allow_blank=True)
    authors = AuthorInputSerializer(many=True, required=False, max_length=50)
    answers = serializers.DictField(required=False)
    conflicts = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=20,
        help_text="Addresses of people who should not review this abstract.",
    )
    consent = serializers.BooleanField(required=False)
    language = LANGUAGE


class EditSerializer(SubmitSerializer):
    consent = None
    language = None


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["position", "name", "email", "affiliation", "country", "presenting", "language"]


class PublicAuthorSerializer(serializers.ModelSerializer):
    """An author as reviewers (open review) and readers of the programme see them."""

    class Meta:
        model = Author
        fields = ["position", "name", "affiliation", "country", "presenting"]


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ContentMixin(serializers.Serializer):
    """The abstract itself, in both languages."""

    title = serializers.CharField()
    track = NamedSerializer(allow_null=True)
    contribution_type = NamedSerializer()
    topic = serializers.SlugRelatedField(slug_field="code", read_only=True)


CONTENT = [
    "id",
    "status",
    "title",
    "title_en",
    "title_vi",
    "text_en",
    "text_vi",
    "keywords",
    "track",
    "contribution_type",
    "topic",
]


class AbstractSerializer(ContentMixin, serializers.ModelSerializer):
    """The whole abstract: for its submitter (the private link) and the organisers."""

    authors = AuthorSerializer(many=True)
    decision = serializers.SerializerMethodField()
    confirmation = serializers.SerializerMethodField(
        help_text="Accepted contributions: the presenting author's answer (pending, confirmed, "
        "declined); otherwise null."
    )
    confirmation_at = serializers.SerializerMethodField(help_text="When they answered.")
    editable = serializers.SerializerMethodField()

    class Meta:
        model = Abstract
        fields = [
            *CONTENT,
            "authors",
            "answers",
            "decision",
            "confirmation",
            "confirmation_at",
            "editable",
            "created_at",
        ]

    def _decision(self, abstract) -> Decision | None:
        return getattr(abstract, "decision", None) if abstract.status != "submitted" else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decision(self, abstract) -> str | None:
        decision = self._decision(abstract)
        return decision.outcome if decision else None

    @extend_schema_field(
        serializers.ChoiceField(choices=Decision.Confirmation.choices, allow_null=True)
    )
    def get_confirmation(self, abstract) -> str | None:
        decision = self._decision(abstract)
        return (decision.confirmation or None) if decision else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_confirmation_at(self, abstract) -> str | None:
        decision = self._decision(abstract)
        when = decision.confirmation_at if decision else None
        return serializers.DateTimeField().to_representation(when) if when else None

    def get_editable(self, abstract) -> bool:
        return bool(self.context.get("editable"))


class ReviewerAbstractSerializer(ContentMixin, serializers.ModelSerializer):
    """An abstract as a reviewer gets it: the authors (names, affiliations, countries, never
    addresses) only when the review is not double-blind, and no answers."""

    authors = serializers.SerializerMethodField()

    class Meta:
        model = Abstract
        fields = [*CONTENT, "authors"]

    @extend_schema_field(PublicAuthorSerializer(many=True))
    def get_authors(self, abstract):
        if self.context.get("blind") == Call.Blind.DOUBLE:
            return []
        return PublicAuthorSerializer(abstract.authors.all(), many=True).data


class ReviewSerializer(serializers.ModelSerializer):
    scores = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = Review
        fields = [
            "scores",
            "score",
            "recommendation",
            "comment_to_authors",
            "comment_to_committee",
            "updated_at",
        ]
        read_only_fields = ["score", "updated_at"]
        extra_kwargs = {
            "comment_to_authors": {"max_length": 5000},
            "comment_to_committee": {"max_length": 5000},
        }


class CommitteeReviewSerializer(ReviewSerializer):
    reviewer = serializers.CharField(source="assignment.reviewer.get_username")

    class Meta(ReviewSerializer.Meta):
        fields = ["reviewer", *ReviewSerializer.Meta.fields]


class CommitteeAbstractSerializer(AbstractSerializer):
    reviews = CommitteeReviewSerializer(many=True, source="committee_reviews")

    class Meta(AbstractSerializer.Meta):
        fields = [*AbstractSerializer.Meta.fields, "reviews"]


class BoardRowSerializer(serializers.Serializer):
    """A row of the committee board (documentation: the rows are built as plain data)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    title = serializers.CharField()
    track = NamedSerializer(allow_null=True)
    contribution_type = NamedSerializer()
    topic = serializers.CharField(allow_null=True)
    score_mean = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    score_spread = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    review_count = serializers.IntegerField()
    decision = serializers.CharField(allow_null=True)
    decision_label = serializers.CharField(allow_null=True)
    confirmation = serializers.ChoiceField(
        choices=Decision.Confirmation.choices,
        allow_null=True,
        help_text="Accepted: the presenting author's answer.",
    )
    confirmation_label = serializers.CharField(allow_null=True)


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)


class BulkDecisionSerializer(DecisionInputSerializer):
    ids = serializers.ListField(child=serializers.IntegerField(), max_length=500)


class BulkDecisionResultSerializer(serializers.Serializer):
    decided = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.IntegerField())


class AssignSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(help_text="The reviewer's user id.")


class AutoAssignSerializer(serializers.Serializer):
    per_abstract = serializers.IntegerField(required=False, min_value=1, max_value=20)


class CountSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()


class ReviewerScopeSerializer(serializers.Serializer):
    affiliation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    tracks = serializers.ListField(child=serializers.IntegerField(), required=False)


class OpenAbstractSerializer(ContentMixin, serializers.ModelSerializer):
    """An accepted abstract as open data: authors without their addresses."""

    authors = PublicAuthorSerializer(many=True)
    accepted_as = serializers.CharField(source="decision.outcome")
    session_start = serializers.DateTimeField(source="session.start", allow_null=True)

    class Meta:
        model = Abstract
        fields = [c for c in CONTENT if c != "status"] + ["authors", "accepted_as", "session_start"]
