"""The call for abstracts of an event: what may be submitted, the abstracts and their authors,
who reviews them, the reviews and the committee's one decision per abstract."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.emails import email_key_expression
from core.translation import pick
from events.models import Event, FieldOfScience, Session
from registration.models import Question


def new_abstract_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits, like a registration's manage link


class Call(models.Model):
    """One call per event: its window (stored in UTC, entered in the event's timezone), the
    word limit, and how reviewing runs."""

    class Blind(models.TextChoices):
        OFF = "off", _("Open: reviewers see the authors")
        SINGLE = "single", _("Single-blind: authors never see who reviewed")
        DOUBLE = "double", _("Double-blind: reviewers never see the authors either")

    event = models.OneToOneField(
        Event, primary_key=True, on_delete=models.CASCADE, related_name="call"
    )
    opens_at = models.DateTimeField(_("submissions open"))
    closes_at = models.DateTimeField(_("submissions close"))
    review_deadline = models.DateTimeField(_("reviews due"), null=True, blank=True)
    word_limit = models.PositiveIntegerField(_("word limit"), default=300)
    reviewers_per_abstract = models.PositiveSmallIntegerField(
        _("reviewers per abstract"), default=2
    )
    blind = models.CharField(_("blind review"), max_length=10, choices=Blind, default=Blind.SINGLE)
    # When unfinished reviews get their one reminder: this many hours before the deadline.
    remind_hours_before = models.PositiveIntegerField(
        _("remind reviewers (hours before)"), default=48
    )

    class Meta:
        verbose_name = _("call for abstracts")
        verbose_name_plural = _("calls for abstracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(word_limit__gte=10), name="call_word_limit_sensible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug}: {self.opens_at:%Y-%m-%d} – {self.closes_at:%Y-%m-%d}"


class Track(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_vi=""), name="track_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class ContributionType(models.Model):
    """Talk, poster, or what the organiser names; a poster becomes a poster slot."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="contribution_types")
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    is_poster = models.BooleanField(_("poster"), default=False)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=15)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("contribution type")
        verbose_name_plural = _("contribution types")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_vi=""), name="contribution_type_has_a_name"
            ),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="contribution_type_minutes"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class Criterion(models.Model):
    """What reviewers score, from 1 to `max_score` (e.g. relevance, originality, clarity)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="review_criteria")
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_vi=""), name="criterion_has_a_name"
            ),
            models.CheckConstraint(condition=Q(max_score__gte=2), name="criterion_scale"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


# The kinds of registration questions an abstract's extra questions may be: the same checks
# (registration.answers), without the choice kinds (their options live in registration).
QUESTION_KINDS = [
    (value, label)
    for value, label in Question.Kind.choices
    if value not in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE)
]


class AbstractQuestion(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="abstract_questions")
    kind = models.CharField(_("kind"), max_length=20, choices=QUESTION_KINDS)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    label_vi = models.CharField(_("question (Vietnamese)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("abstract question")
        verbose_name_plural = _("abstract questions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(label_en="") | ~Q(label_vi=""), name="abstract_question_has_a_label"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")

    has_choices = False  # read by registration.answers


class Abstract(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="abstracts")
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300, blank=True)
    text_en = models.TextField(_("abstract (English)"), blank=True)
    text_vi = models.TextField(_("abstract (Vietnamese)"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.PROTECT, related_name="abstracts"
    )
    contribution_type = models.ForeignKey(
        ContributionType, on_delete=models.PROTECT, related_name="abstracts"
    )
    topic = models.ForeignKey(
        FieldOfScience, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Addresses (email keys) of people the authors say should not review this abstract.
    declared_conflicts = models.JSONField(default=list, blank=True)
    language = models.CharField(_("language"), max_length=2, default="en")
    consent_at = models.DateTimeField(_("consent given"))
    consent_notice_version = models.CharField(_("notice version"), max_length=50)
    token = models.CharField(max_length=64, unique=True, default=new_abstract_token, editable=False)
    # The agenda slot an accepted abstract became.
    session = models.OneToOneField(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="from_abstract"
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("abstract")
        verbose_name_plural = _("abstracts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_vi=""), name="abstract_has_a_title"
            )
        ]
        indexes = [models.Index(fields=["event", "status", "id"], name="abstract_event_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def text(self) -> str:
        return pick(self, "text")


class Author(models.Model):
    abstract = models.ForeignKey(Abstract, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    email_key = models.GeneratedField(
        expression=email_key_expression("email"),
        output_field=models.CharField(max_length=254),
        db_persist=True,
    )
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    presenting = models.BooleanField(_("presenting"), default=False)
    language = models.CharField(_("language"), max_length=2, default="en")

    class Meta:
        ordering = ["abstract", "position"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["abstract", "position"], name="author_position_once"),
            models.UniqueConstraint(
                fields=["abstract"], condition=Q(presenting=True), name="author_one_presenting"
            ),
        ]
        indexes = [models.Index(fields=["email_key"], name="author_email_key")]

    def __str__(self) -> str:
        return self.name


class ReviewerScope(models.Model):
    """What a reviewer reviews (tracks; none: the whole event) and where they work, which the
    conflict-of-interest check compares with the authors' affiliations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    tracks = models.ManyToManyField(Track, blank=True, related_name="+")

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="reviewer_scope_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event_id}"


class DeclaredConflict(models.Model):
    """A reviewer said they cannot judge this abstract fairly."""

    abstract = models.ForeignKey(Abstract, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(fields=["abstract", "user"], name="declared_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ≠ {self.abstract_id}"


class Assignment(models.Model):
    abstract = models.ForeignKey(Abstract, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["abstract", "id"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["abstract", "reviewer"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.abstract_id} → {self.reviewer_id}"


class Review(models.Model):
    class Recommendation(models.TextChoices):
        TALK = "talk", _("Accept as a talk")
        POSTER = "poster", _("Accept as a poster")
        REJECT = "reject", _("Reject")

    assignment = models.OneToOneField(
        Assignment, primary_key=True, on_delete=models.CASCADE, related_name="review"
    )
    # Criterion id (as text) -> score.
    scores = models.JSONField(_("scores"), default=dict)
    # The mean of the scores, kept for the committee board's filters and sorting.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation)
    comment_to_authors = models.TextField(_("comments to the authors"), blank=True)
    comment_to_committee = models.TextField(_("comments to the committee"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review {self.assignment_id}: {self.score}"


class ReviewSummary(models.Model):
    """The committee board's figures of one abstract's reviews, so that the board reads one
    row per abstract instead of aggregating every review at each read.

    Kept by `abstracts.summaries.refresh` in the transaction of every change of the
    abstract's reviews (a review written or changed, a review gone with its assignment); an
    abstract never reviewed has no row. A table of its own, not columns of the abstract, so
    that saving an abstract loaded earlier never writes back older figures.
    """

    abstract = models.OneToOneField(
        Abstract, primary_key=True, on_delete=models.CASCADE, related_name="review_summary"
    )
    # Of the reviews' scores: the mean and the population standard deviation (none without
    # reviews), kept with more decimals than shown, so filters compare the mean as computed.
    mean = models.DecimalField(max_digits=12, decimal_places=6, null=True)
    spread = models.DecimalField(max_digits=12, decimal_places=6, null=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("review summary")
        verbose_name_plural = _("review summaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(count=0, mean__isnull=True) | Q(count__gt=0, mean__isnull=False),
                name="review_summary_mean_with_reviews",
            )
        ]

    def __str__(self) -> str:
        return f"{self.abstract_id}: {self.mean} ({self.count})"


class Decision(models.Model):
    """The committee's decision: one per abstract, whoever clicks first (the primary key).

    An accepted contribution then waits for its presenting author's one answer
    (`confirmation`): they will present it, or they cannot (abstracts/confirmation.py). A
    rejection has nothing to answer, and an answer always has its time: the database holds
    both rules."""

    class Outcome(models.TextChoices):
        TALK = "talk", _("Accepted as a talk")
        POSTER = "poster", _("Accepted as a poster")
        REJECT = "reject", _("Rejected")

    class Confirmation(models.TextChoices):
        PENDING = "pending", _("Awaiting the presenter's confirmation")
        CONFIRMED = "confirmed", _("Confirmed by the presenter")
        DECLINED = "declined", _("Declined by the presenter")

    abstract = models.OneToOneField(
        Abstract, primary_key=True, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    # Empty for a rejection: nothing to answer.
    confirmation = models.CharField(
        _("presenter's answer"), max_length=10, choices=Confirmation, blank=True, default=""
    )
    confirmation_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            # Accepted: pending, confirmed or declined; rejected: nothing to answer.
            models.CheckConstraint(
                condition=Q(outcome="reject", confirmation="")
                | (~Q(outcome="reject") & Q(confirmation__in=["pending", "confirmed", "declined"])),
                name="decision_confirmation_if_accepted",
            ),
            # An answer has its time; no answer has none.
            models.CheckConstraint(
                condition=Q(
                    confirmation__in=["confirmed", "declined"], confirmation_at__isnull=False
                )
                | Q(confirmation__in=["", "pending"], confirmation_at__isnull=True),
                name="decision_confirmation_answered_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abstract_id}: {self.outcome}"

    @property
    def accepted(self) -> bool:
        return self.outcome != self.Outcome.REJECT
