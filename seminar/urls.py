from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.admin_login import admin_login
from discussions.mention_views import mentionable
from pages import home as views
from pages.media import media

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Before the admin's own URLs: its login page is the site's throttled login.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("s/<slug:seminar_slug>/members/", mentionable, name="mentionable"),
    path("s/", include("pages.urls")),
    path("s/<slug:seminar_slug>/w/<slug:week_slug>/", include("discussions.urls")),
    path("editor/", include("discussions.editor_urls")),
    path("notifications/", include("notifications.urls")),
    path("s/<slug:seminar_slug>/", include("teams.urls")),
    path("s/<slug:seminar_slug>/moderation/", include("discussions.moderation_urls")),
    path("s/<slug:seminar_slug>/", include("blog.urls")),
    path("s/<slug:seminar_slug>/participation/", include("participation.urls")),
    path("", include("pages.profile_urls")),
]

# Uploaded media, in development too: only to those who may see them (pages/media.py).
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media")]
