"""Where uploaded media live: the local disk, or an S3-compatible object store.

Either way a file's URL is MEDIA_URL + its name, answered by the app's media view
(pages/media.py), which checks who may see it before the file is served: the object store
stays private and its own URLs are never shown to a browser.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]
from storages.utils import clean_name  # type: ignore[import-untyped]


class PrivateS3Storage(S3Storage):  # type: ignore[misc]
    """django-storages' S3 backend, private objects, with the app's own media URLs."""

    default_acl = "private"
    querystring_auth = False
    file_overwrite = False

    def url(self, name: Any, *args: Any, **kwargs: Any) -> str:
        return settings.MEDIA_URL + quote(str(name).replace("\\", "/"))

    def signed_url(self, name: str, expire: int = 60) -> str:
        """A short-lived GET URL of the object at the store itself, for the proxy
        (X-Accel-Redirect to an internal location that forwards to the store); never
        shown to a browser."""
        key = self._normalize_name(clean_name(name))
        client = self.connection.meta.client
        return str(
            client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket_name, "Key": key}, ExpiresIn=expire
            )
        )
