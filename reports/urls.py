from django.urls import path

from . import views

urlpatterns = [
    path("open-data/events.json", views.EventsJSON.as_view(), name="open-data-events-json"),
    path("open-data/events.csv", views.EventsCSV.as_view(), name="open-data-events-csv"),
    path(
        "open-data/statistics.json",
        views.StatisticsJSON.as_view(),
        name="open-data-statistics-json",
    ),
    path(
        "open-data/statistics.csv", views.StatisticsCSV.as_view(), name="open-data-statistics-csv"
    ),
    path(
        "open-data/attendance.json",
        views.AttendanceJSON.as_view(),
        name="open-data-attendance-json",
    ),
    path(
        "open-data/attendance.csv", views.AttendanceCSV.as_view(), name="open-data-attendance-csv"
    ),
]
