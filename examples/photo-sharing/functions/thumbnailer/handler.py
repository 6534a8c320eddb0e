"""thumbnailer: S3 invokes it for each .jpg uploaded under post-pictures/; it writes a thumbnail under thumbnails/.

``post-pictures/<identity id>/<name>.jpg`` → ``thumbnails/<identity id>/<name>.jpg``, at most
``THUMBNAIL_SIZE`` pixels on its longest side (default 256), JPEG. The bucket is ampliform's
``MY_BUCKET_BUCKET_NAME`` (Amplify's name for it). Keys arrive URL-encoded in S3's event (a space as ``+``).
"""

from __future__ import annotations

import io
import os
import urllib.parse
from typing import Any

import boto3
from PIL import Image

SOURCE = "post-pictures/"
TARGET = "thumbnails/"
BUCKET_ENV = "MY_BUCKET_BUCKET_NAME"

_client: Any = None


def s3() -> Any:
    """The S3 client, made once per execution environment."""
    global _client
    if _client is None:
        _client = boto3.client("s3")
    return _client


def thumbnail(data: bytes, size: int) -> bytes:
    """A JPEG at most `size` pixels on its longest side."""
    image = Image.open(io.BytesIO(data))
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    """Make the thumbnail of every picture the event names; returns the keys written."""
    bucket = os.environ[BUCKET_ENV]
    size = int(os.environ.get("THUMBNAIL_SIZE", "256"))
    written = []
    for record in event.get("Records", []):
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        if record["s3"]["bucket"]["name"] != bucket or not key.startswith(SOURCE):
            continue
        original = s3().get_object(Bucket=bucket, Key=key)["Body"].read()
        target = TARGET + key[len(SOURCE):]
        s3().put_object(Bucket=bucket, Key=target, Body=thumbnail(original, size), ContentType="image/jpeg")
        written.append(target)
    return {"written": written}
