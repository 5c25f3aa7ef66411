"""Certificates over the API: verifying a code (anyone), the holder's PDF (by their manage
link), and the organisers' list, PDF, re-issue and speakers' certificates."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from core.renderers import PDF, file_renderers
from core.schema import file_download
from events import selectors as event_selectors
from events.views import EventNestedMixin

from . import actions, certificates
from .certificate_pdf import certificate_pdf, period
from .models import Certificate


class CertificateCheckSerializer(serializers.Serializer):
    """What anyone holding the code may read: who, which event, when. Nothing else."""

    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=Certificate.Kind.choices)
    kind_label = serializers.CharField()
    name = serializers.CharField()
    event = serializers.CharField(help_text="The event's title.")
    event_slug = serializers.CharField()
    dates = serializers.CharField(help_text="The event's dates, in its own timezone.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    host = serializers.CharField(allow_blank=True)
    issued_at = serializers.DateTimeField()


def check_data(certificate: Certificate) -> dict:
    event = certificate.event
    return {
        "code": certificates.code_of(certificate),
        "kind": certificate.kind,
        "kind_label": str(certificate.get_kind_display()),
        "name": certificates.holder_name(certificate),
        "event": event.title,
        "event_slug": event.slug,
        "dates": period(certificate),
        "start": event.local(event.start),
        "end": event.local(event.end),
        "host": event.host.name if event.host_id else "",
        "issued_at": event.local(certificate.issued_at),
    }


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate as the organisers see it."""

    name = serializers.SerializerMethodField()
    code = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "kind",
            "name",
            "registration",
            "speaker",
            "issue",
            "issued_at",
            "hours",
            "code",
            "verify_url",
        ]
        read_only_fields = fields

    def get_name(self, certificate) -> str:
        return certificates.holder_name(certificate)

    def get_code(self, certificate) -> str:
        return certificates.code_of(certificate)

    def get_verify_url(self, certificate) -> str:
        return certificates.verify_url(certificate)

    def get_hours(self, certificate) -> str | None:
        return certificates.hours(certificate) if certificate.registration_id else None


class SpeakerCertificateSerializer(serializers.Serializer):
    speaker = serializers.IntegerField(help_text="A speaker of the event's agenda.")


def pdf_response(certificate: Certificate) -> HttpResponse:
    response = HttpResponse(
        certificate_pdf(certificate, get_language() or "en"), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    return response


NO_CERTIFICATE = OpenApiResponse(ErrorSerializer, description="No certificate has this code.")
RATE_LIMITED = OpenApiResponse(
    ErrorSerializer,
    description="Too many unknown codes or links from this address (`rate_limited`), with "
    "`Retry-After` (seconds).",
)


class CertificateCheckView(APIView):
    """Anyone checks a certificate's code: a real one answers its holder, event and dates;
    an altered, superseded or revoked one (its holder's data erased) answers 404."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses={200: CertificateCheckSerializer, 404: NO_CERTIFICATE, 429: RATE_LIMITED},
        auth=[],
        operation_id="certificate_verify",
    )
    def get(self, request, code=None):
        certificate = actions.verify_certificate(request, code)
        return Response(CertificateCheckSerializer(check_data(certificate)).data)


class HolderCertificateView(APIView):
    """The attendee's own certificate, by the secret token of their manage link (the emailed
    link): always its latest issue."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_renderers(self):
        return [renderer() for renderer in file_renderers(PDF)]

    @extend_schema(
        responses={
            **file_download(PDF, "The certificate of attendance, in the attendee's language."),
            404: OpenApiResponse(
                ErrorSerializer, description="Unknown link, or no certificate (yet)."
            ),
        },
        auth=[],
        operation_id="registration_certificate_pdf",
    )
    def get(self, request, token=None):
        # Only unknown links count on the abuse limit, as for the manage page.
        registration = actions.registration_by_token(request, token)
        return pdf_response(certificates.of_registration(registration))


class EventCertificatesView(EventNestedMixin, generics.ListAPIView):
    """The event's certificates (they name people: owner and organisers); POST issues a
    speaker's certificate of presentation."""

    serializer_class = CertificateSerializer
    queryset = Certificate.objects.none()
    filter_backends: list = []
    access_rules = {"GET": "can_view_personal_data", "HEAD": "can_view_personal_data"}

    def nested_queryset(self):
        return certificates.of_event(self.event)

    @extend_schema(
        request=SpeakerCertificateSerializer,
        responses={201: CertificateSerializer, 200: CertificateSerializer},
        operation_id="event_certificates_issue_presentation",
    )
    def post(self, request, event_slug=None):
        """Issue a speaker's certificate of presentation: 201, or 200 with the one issued
        before (one per speaker)."""
        body = SpeakerCertificateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        speaker = event_selectors.speaker_of(self.event, body.validated_data["speaker"])
        if speaker is None:
            raise serializers.ValidationError(
                {"speaker": [_("This speaker is not on the event's agenda.")]}
            )
        certificate, created = certificates.issue_presentation(speaker, actor=request.user)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(CertificateSerializer(certificate).data, status=code)


class EventCertificateMixin(EventNestedMixin):
    def certificate(self) -> Certificate:
        return get_object_or_404(certificates.of_event(self.event), pk=self.kwargs["pk"])


class EventCertificatePdfView(EventCertificateMixin, APIView):
    access_rules = {"GET": "can_view_personal_data", "HEAD": "can_view_personal_data"}

    def get_renderers(self):
        return [renderer() for renderer in file_renderers(PDF)]

    @extend_schema(
        responses=file_download(PDF, "The certificate, in its holder's language."),
        operation_id="event_certificate_pdf",
    )
    def get(self, request, event_slug=None, pk=None):
        return pdf_response(self.certificate())


class EventCertificateReissueView(EventCertificateMixin, APIView):
    @extend_schema(
        request=None,
        responses={200: CertificateSerializer},
        operation_id="event_certificate_reissue",
    )
    def post(self, request, event_slug=None, pk=None):
        """A new issue: hours counted again, today's date, a new code; the old code stops
        verifying (404)."""
        certificate = certificates.reissue(self.certificate(), actor=request.user)
        return Response(CertificateSerializer(certificate).data)
