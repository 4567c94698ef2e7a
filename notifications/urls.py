from django.urls import path

from notifications import for_you, views

app_name = "notifications"

urlpatterns = [
    path("", for_you.for_you, name="for_you"),
    path("<int:notice_id>/open/", for_you.open_notice, name="open"),
    path("<int:notice_id>/read/", for_you.mark_read, name="read"),
    path("read-all/", for_you.mark_all_read, name="read_all"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
