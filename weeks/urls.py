from django.urls import path

from weeks import views

app_name = "weeks"
urlpatterns = [
    path("<slug:seminar_slug>/", views.seminar_home, name="seminar"),
    path("<slug:seminar_slug>/w/<slug:week_slug>/", views.week_detail, name="detail"),
    # Longer aliases of the two names above, so either spelling reverses.
    path("<slug:seminar_slug>/", views.seminar_home, name="seminar_home"),
    path("<slug:seminar_slug>/w/<slug:week_slug>/", views.week_detail, name="week_detail"),
]
