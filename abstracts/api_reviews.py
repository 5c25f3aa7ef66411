"""API: one abstract as each role sees it, reviewers' work, assignments and decisions.

A reviewer reads an abstract only through `reviewing.abstract_for_reviewer`: conflicted or
not assigned, it is a 404, exactly as an abstract that does not exist.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.exceptions import NotFound

from . import access, decisions, reviewing, selectors
from .api_base import EventAbstractsView
from .api_submissions import CONFLICT, ERRORS, NOT_FOUND
from .serializers import (
    AssignSerializer,
    AutoAssignSerializer,
    BulkDecisionResultSerializer,
    BulkDecisionSerializer,
    CommitteeAbstractSerializer,
    CountSerializer,
    DecisionInputSerializer,
    ReviewerAbstractSerializer,
    ReviewerScopeSerializer,
    ReviewSerializer,
)

User = get_user_model()


def _committee_abstract(view) -> object:
    abstract = selectors.for_committee(view.event, view.kwargs["pk"])
    if abstract is None:
        raise NotFound("Not found.")
    return abstract


class AbstractDetailView(EventAbstractsView):
    """The organisers and committee see the whole abstract with its reviews; a reviewer sees
    an abstract assigned to them (without the authors under double-blind review)."""

    rules = {"*": "read"}

    @extend_schema(
        responses={200: CommitteeAbstractSerializer, **ERRORS, **NOT_FOUND},
        operation_id="abstracts_read",
    )
    def get(self, request, event_slug, pk):
        if access.can_decide(request.user, self.event):
            return Response(CommitteeAbstractSerializer(_committee_abstract(self)).data)
        abstract = reviewing.abstract_for_reviewer(self.event, request.user, pk)
        context = {"blind": selectors.blind_mode(self.event)}
        return Response(ReviewerAbstractSerializer(abstract, context=context).data)


class ReviewQueueView(EventAbstractsView):
    """A reviewer's abstracts (never one they have a conflict with)."""

    rules = {"*": "review"}

    @extend_schema(
        responses={200: ReviewerAbstractSerializer(many=True), **ERRORS, **NOT_FOUND},
        operation_id="abstracts_review_queue",
    )
    def get(self, request, event_slug):
        rows = reviewing.queue_of(self.event, request.user).prefetch_related("authors")
        context = {"blind": selectors.blind_mode(self.event)}
        return Response(ReviewerAbstractSerializer(rows, many=True, context=context).data)


class ReviewView(EventAbstractsView):
    """The reviewer's own review of one abstract: read, write until the review deadline."""

    rules = {"*": "review"}

    @extend_schema(
        responses={200: ReviewSerializer, **ERRORS, **NOT_FOUND}, operation_id="abstracts_review"
    )
    def get(self, request, event_slug, pk):
        abstract = reviewing.abstract_for_reviewer(self.event, request.user, pk)
        review = reviewing.review_of(abstract, request.user)
        if review is None:
            raise NotFound("No review yet.")
        return Response(ReviewSerializer(review).data)

    @extend_schema(
        request=ReviewSerializer,
        responses={200: ReviewSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
        operation_id="abstracts_review_save",
    )
    def put(self, request, event_slug, pk):
        abstract = reviewing.abstract_for_reviewer(self.event, request.user, pk)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = reviewing.save_review(abstract, request.user, serializer.validated_data)
        return Response(ReviewSerializer(review).data)


class ConflictView(EventAbstractsView):
    """A reviewer declares a conflict of interest: the abstract leaves their list."""

    rules = {"*": "review"}

    @extend_schema(
        request=None,
        responses={204: None, **ERRORS, **NOT_FOUND},
        operation_id="abstracts_conflict",
    )
    def post(self, request, event_slug, pk):
        abstract = reviewing.abstract_for_reviewer(self.event, request.user, pk)
        reviewing.declare_conflict(abstract, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignView(EventAbstractsView):
    rules = {"*": "manage"}

    @extend_schema(
        request=AssignSerializer,
        responses={201: None, **ERRORS, **NOT_FOUND, **CONFLICT},
        operation_id="abstracts_assign",
    )
    def post(self, request, event_slug, pk):
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        abstract = _committee_abstract(self)
        reviewer = User.objects.filter(pk=serializer.validated_data["reviewer"]).first()
        if reviewer is None:
            raise exceptions.ValidationError({"reviewer": ["No such user."]})
        reviewing.assign(abstract, reviewer, actor=request.user)
        return Response(status=status.HTTP_201_CREATED)


class AutoAssignView(EventAbstractsView):
    rules = {"*": "manage"}

    @extend_schema(
        request=AutoAssignSerializer,
        responses={200: CountSerializer, **ERRORS, **NOT_FOUND},
        operation_id="abstracts_assign_automatically",
    )
    def post(self, request, event_slug):
        serializer = AutoAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = reviewing.assign_automatically(
            self.event,
            actor=request.user,
            per_abstract=serializer.validated_data.get("per_abstract"),
        )
        return Response({"assigned": count})


class ReviewerScopeView(EventAbstractsView):
    rules = {"*": "manage"}

    @extend_schema(
        request=ReviewerScopeSerializer,
        responses={204: None, **ERRORS, **NOT_FOUND},
        operation_id="abstracts_reviewer_scope",
    )
    def put(self, request, event_slug, user_id):
        reviewing.scope_reviewer(self.event, user_id, actor=request.user, data=request.data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DecisionView(EventAbstractsView):
    rules = {"*": "decide"}

    @extend_schema(
        request=DecisionInputSerializer,
        responses={201: CommitteeAbstractSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
        operation_id="abstracts_decide",
    )
    def post(self, request, event_slug, pk):
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decisions.decide(
            _committee_abstract(self),
            actor=request.user,
            outcome=serializer.validated_data["outcome"],
        )
        return Response(
            CommitteeAbstractSerializer(_committee_abstract(self)).data,
            status=status.HTTP_201_CREATED,
        )


class BulkDecisionView(EventAbstractsView):
    rules = {"*": "decide"}

    @extend_schema(
        request=BulkDecisionSerializer,
        responses={200: BulkDecisionResultSerializer, **ERRORS, **NOT_FOUND},
        operation_id="abstracts_decide_many",
    )
    def post(self, request, event_slug):
        serializer = BulkDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = decisions.decide_many(
            self.event,
            serializer.validated_data["ids"],
            actor=request.user,
            outcome=serializer.validated_data["outcome"],
        )
        return Response(outcome)
