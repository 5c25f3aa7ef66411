from rest_framework.routers import SimpleRouter

from . import views

EVENT = r"events/(?P<event_slug>[-a-zA-Z0-9_]+)"
router = SimpleRouter()
router.register(f"{EVENT}/reminders", views.ReminderRuleViewSet, basename="reminder")
router.register(f"{EVENT}/messages", views.MessageViewSet, basename="message")
router.register(f"{EVENT}/deliveries", views.DeliveryViewSet, basename="delivery")

urlpatterns = router.urls
