from django.urls import path

from weeks import views

app_name = "weeks"
urlpatterns = [
    path("<slug:seminar_slug>/", views.seminar_home, name="seminar"),
    path("<slug:seminar_slug>/w/<slug:week_slug>/", views.week_detail, name="detail"),
]
