"""API: the call itself, submitting, and the submitter's private link."""

from collections.abc import Callable

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, InvalidInputSerializer
from core.exceptions import NotFound

from . import actions, decisions, selectors, setup, submission
from .api_base import EventAbstractsView
from .models import Abstract
from .serializers import (
    AbstractSerializer,
    BoardRowSerializer,
    CallSerializer,
    EditSerializer,
    SubmitSerializer,
)

ERRORS = {400: InvalidInputSerializer, 401: ErrorSerializer, 403: ErrorSerializer}
NOT_FOUND = {404: ErrorSerializer}
CONFLICT = {409: ErrorSerializer}


def _call_data(call, event) -> dict:
    with timezone.override(event.tzinfo):
        offer = setup.offer(event)
        call.is_open = setup.is_open(call)
        for name in ("tracks", "contribution_types", "criteria", "questions", "topics"):
            setattr(call, name, offer[name])
        return CallSerializer(call).data


class CallView(EventAbstractsView):
    """The event's call for abstracts: anyone reads it; the organisers set it up."""

    rules = {"GET": "public", "HEAD": "public", "PUT": "manage"}

    @extend_schema(responses={200: CallSerializer, **NOT_FOUND}, operation_id="abstracts_call")
    def get(self, request, event_slug):
        call = setup.call_of(self.event)
        if call is None:
            raise NotFound("This event has no call for abstracts.")
        return Response(_call_data(call, self.event))

    @extend_schema(
        request=CallSerializer,
        responses={200: CallSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
        operation_id="abstracts_call_set",
    )
    def put(self, request, event_slug):
        call = setup.set_up(self.event, actor=request.user, data=request.data)
        return Response(_call_data(call, self.event))


class AbstractListView(EventAbstractsView):
    """Submit an abstract (anyone, while the call is open); the committee board (the
    committee and organisers): every abstract with its scores, filtered."""

    rules = {"POST": "public", "GET": "decide", "HEAD": "decide"}

    @extend_schema(
        request=SubmitSerializer,
        responses={201: AbstractSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
        operation_id="abstracts_submit",
    )
    def post(self, request, event_slug):
        abstract = actions.submit(request, self.event, request.data)
        data = AbstractSerializer(selectors.full(abstract.pk), context={"editable": True}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("track", int),
            OpenApiParameter("contribution_type", int),
            OpenApiParameter(
                "status", str, enum=["submitted", "withdrawn", "accepted", "rejected"]
            ),
            OpenApiParameter("min_score", float),
            OpenApiParameter("max_score", float),
        ],
        responses={200: BoardRowSerializer(many=True), **ERRORS, **NOT_FOUND},
        operation_id="abstracts_board",
    )
    def get(self, request, event_slug):
        filters = selectors.board_filters(request.query_params)
        return Response(decisions.board(self.event, filters))


class PrivateLinkView(APIView):
    """The submitter's private link: read, change until the call closes."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: AbstractSerializer, **NOT_FOUND}, operation_id="abstract_mine")
    def get(self, request, token):
        abstract = actions.abstract_by_token(request, token)
        editable = submission.can_edit(abstract)
        return Response(
            AbstractSerializer(selectors.full(abstract.pk), context={"editable": editable}).data
        )

    @extend_schema(
        request=EditSerializer,
        responses={200: AbstractSerializer, 400: InvalidInputSerializer, **NOT_FOUND, **CONFLICT},
        operation_id="abstract_mine_edit",
    )
    def patch(self, request, token):
        abstract = actions.edit(actions.abstract_by_token(request, token), request.data)
        return Response(
            AbstractSerializer(selectors.full(abstract.pk), context={"editable": True}).data
        )


class WithdrawView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=None,
        responses={200: AbstractSerializer, **NOT_FOUND, **CONFLICT},
        operation_id="abstract_mine_withdraw",
    )
    def post(self, request, token):
        abstract = actions.withdraw(actions.abstract_by_token(request, token))
        return Response(AbstractSerializer(selectors.full(abstract.pk)).data)


ANSWER_DOC = (
    "The presenting author's answer to an accepted contribution, through the private link. "
    "One answer: the same answer again is 200 and changes nothing; the other answer after one "
    "was given, an abstract that is not accepted, or an event that has started or was "
    "cancelled is 409. Declining withdraws the contribution's session from the programme."
)


class _PresenterAnswerView(APIView):
    """The presenting author's answer to an accepted contribution, by the private link."""

    permission_classes = [AllowAny]
    authentication_classes = []
    answer: Callable[[Abstract], object]  # the action: actions.confirm or actions.decline

    def post(self, request, token):
        abstract = actions.abstract_by_token(request, token)
        self.answer(abstract)
        return Response(AbstractSerializer(selectors.full(abstract.pk)).data)


def _answer_schema(operation_id: str):
    return extend_schema_view(
        post=extend_schema(
            request=None,
            responses={200: AbstractSerializer, **NOT_FOUND, **CONFLICT},
            operation_id=operation_id,
            description=ANSWER_DOC,
        )
    )


@_answer_schema("abstract_mine_confirm")
class ConfirmView(_PresenterAnswerView):
    """The presenting author will present the accepted contribution."""

    answer = staticmethod(actions.confirm)


@_answer_schema("abstract_mine_decline")
class DeclineView(_PresenterAnswerView):
    """The presenting author cannot present it: it leaves the programme."""

    answer = staticmethod(actions.decline)
