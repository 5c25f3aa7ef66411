from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from notifications import views as notification_views
from web.views import manage as manage_pages

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Emailed links carry no language prefix: they open in the attendee's language.
    path("r/<str:token>", manage_pages.manage, name="manage-registration"),
    path("u/<str:token>", notification_views.unsubscribe, name="unsubscribe"),
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path("api/v1/", include("registration.urls")),
    path("api/v1/", include("notifications.urls")),
    path("api/v1/", include("events.urls")),
    path("api/v1/", include("reports.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    *i18n_patterns(path("", include("web.urls"))),
]

handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
