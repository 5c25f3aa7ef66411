from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.ratelimit import sign_in_limited

from .views import door_offline, organiser, programme_requests, programmes, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("events/<slug:slug>/", public.event_page, name="event"),
    path("events/<slug:slug>/register/", public.register, name="register"),
    path("events/<slug:slug>/participants/", public.participants, name="participants"),
    path("events/<slug:slug>/lost-link/", public.lost_link, name="lost-link"),
    path("events/<slug:slug>/report/", programmes.event_report, name="event-report"),
    path("events/<slug:slug>/report.csv", programmes.event_report_csv, name="event-report-csv"),
    path("programmes/", programmes.programme_list, name="programmes"),
    path("programmes/<slug:slug>/", programmes.programme_page, name="programme"),
    path("programmes/<slug:slug>/events/", programmes.programme_events, name="programme-events"),
    path("programmes/<slug:slug>/targets/", programmes.programme_targets, name="programme-targets"),
    path(
        "programmes/<slug:slug>/requests/",
        programme_requests.programme_request_decision,
        name="programme-request-decision",
    ),
    path(
        "sign-in/",
        # 429 after too many wrong passwords for this username or from this address.
        sign_in_limited(organiser.SignInView.as_view()),
        name="login",
    ),
    path(
        "sign-out/",
        door_offline.clearing_site_data(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path("organiser/", organiser.dashboard, name="dashboard"),
    # Names stay in the "web" namespace: these modules declare no app_name.
    path("organiser/", include("web.urls_setup")),
    path("organiser/", include("web.urls_desk")),
    path("", include("web.urls_abstracts")),
]
