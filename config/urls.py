from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.ratelimit import sign_in_limited
from core.token_views import ObtainToken, RevokeAllTokens, RevokeToken
from notifications import views as notification_views
from web.views import abstracts as abstract_pages
from web.views import invitations as invitation_pages
from web.views import manage as manage_pages
from web.views import verify as verify_pages

# Swagger UI from drf-spectacular-sidecar's files, served as our static files: the page keeps
# the site's CSP (our own origin only). The split view serves its start-up script as a file.
api_docs = SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="web/api_docs.html")

urlpatterns = [
    # Sign-in answers 429 after too many wrong passwords (core/ratelimit.py).
    path("admin/login/", sign_in_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Emailed links carry no language prefix: they open in the attendee's language.
    path("r/<str:token>", manage_pages.manage, name="manage-registration"),
    path("u/<str:token>", notification_views.unsubscribe, name="unsubscribe"),
    path("e/<str:token>", manage_pages.confirm_email, name="confirm-email"),
    path("invitations/<str:token>", invitation_pages.invitation, name="team-invitation"),
    # Printed on certificates (and their QR code): anyone checks one, in their own language.
    path("verify/<str:code>", verify_pages.verify, name="verify-certificate"),
    path("a/<str:token>", abstract_pages.mine, name="my-abstract"),
    path("api/v1/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("api/v1/auth/token/revoke/", RevokeToken.as_view(), name="api-token-revoke"),
    path("api/v1/auth/token/revoke-all/", RevokeAllTokens.as_view(), name="api-token-revoke-all"),
    path("api/v1/", include("registration.urls")),
    path("api/v1/", include("abstracts.urls")),
    path("api/v1/", include("notifications.urls")),
    path("api/v1/", include("events.urls")),
    path("api/v1/", include("reports.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    *i18n_patterns(path("", include("web.urls"))),
]

handler404 = "core.api.not_found"
handler500 = "core.api.server_error"
