from django.urls import path

from . import api_open, api_reviews, api_submissions

EVENT = "events/<slug:event_slug>"
ABSTRACT = f"{EVENT}/abstracts/<int:pk>"

urlpatterns = [
    path(f"{EVENT}/call-for-abstracts/", api_submissions.CallView.as_view(), name="abstracts-call"),
    path(f"{EVENT}/abstracts/", api_submissions.AbstractListView.as_view(), name="abstract-list"),
    path(
        f"{EVENT}/abstracts/assign/", api_reviews.AutoAssignView.as_view(), name="abstracts-assign"
    ),
    path(
        f"{EVENT}/abstracts/decisions/",
        api_reviews.BulkDecisionView.as_view(),
        name="abstracts-decisions",
    ),
    path(f"{ABSTRACT}/", api_reviews.AbstractDetailView.as_view(), name="abstract-detail"),
    path(f"{ABSTRACT}/review/", api_reviews.ReviewView.as_view(), name="abstract-review"),
    path(f"{ABSTRACT}/conflict/", api_reviews.ConflictView.as_view(), name="abstract-conflict"),
    path(f"{ABSTRACT}/assignments/", api_reviews.AssignView.as_view(), name="abstract-assignments"),
    path(f"{ABSTRACT}/decision/", api_reviews.DecisionView.as_view(), name="abstract-decision"),
    path(f"{EVENT}/reviews/", api_reviews.ReviewQueueView.as_view(), name="abstracts-reviews"),
    path(
        f"{EVENT}/reviewers/<int:user_id>/",
        api_reviews.ReviewerScopeView.as_view(),
        name="abstracts-reviewer",
    ),
    path(f"{EVENT}/book-of-abstracts.pdf", api_open.BookView.as_view(), name="abstracts-book"),
    path(
        f"{EVENT}/accepted-abstracts.json",
        api_open.AcceptedJsonView.as_view(),
        name="abstracts-accepted-json",
    ),
    path(
        f"{EVENT}/accepted-abstracts.csv",
        api_open.AcceptedCsvView.as_view(),
        name="abstracts-accepted-csv",
    ),
    path("abstracts/<str:token>/", api_submissions.PrivateLinkView.as_view(), name="abstract-mine"),
    path(
        "abstracts/<str:token>/withdraw/",
        api_submissions.WithdrawView.as_view(),
        name="abstract-mine-withdraw",
    ),
    path(
        "abstracts/<str:token>/confirm/",
        api_submissions.ConfirmView.as_view(),
        name="abstract-mine-confirm",
    ),
    path(
        "abstracts/<str:token>/decline/",
        api_submissions.DeclineView.as_view(),
        name="abstract-mine-decline",
    ),
]
