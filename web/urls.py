from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import organiser, public

app_name = "web"

urlpatterns = [
    path("", public.home, name="home"),
    path("events/<slug:slug>/", public.event_page, name="event"),
    path("events/<slug:slug>/register/", public.register, name="register"),
    path("events/<slug:slug>/participants/", public.participants, name="participants"),
    path("events/<slug:slug>/lost-link/", public.lost_link, name="lost-link"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="web/sign_in.html"),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("organiser/", organiser.dashboard, name="dashboard"),
    # Names stay in the "web" namespace: these modules declare no app_name.
    path("organiser/", include("web.urls_setup")),
    path("organiser/", include("web.urls_desk")),
]
