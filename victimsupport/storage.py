"""Where stored documents live: the file system under DOCUMENTS_ROOT (the default, one node), or
S3-compatible object storage through django-storages when DOCUMENTS_S3_BUCKET is set (several web and
worker nodes share it). Files are only ever read through the application (permission-checked and
logged): the bucket stays private and no document URL is handed out."""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from victimsupport.env import env_str

# Errors of writing or reading a stored document: a full or read-only disk, a missing file, or the
# object storage refusing or out of reach. A job that stores documents tries again on these.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError)


def document_storage(documents_root: Path) -> dict:
    """STORAGES["default"] from the environment."""
    bucket = env_str("DOCUMENTS_S3_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(documents_root), "base_url": None},
        }
    endpoint = env_str("DOCUMENTS_S3_ENDPOINT_URL", "") or None
    encryption = env_str("DOCUMENTS_S3_SERVER_SIDE_ENCRYPTION", "")  # "AES256" or "aws:kms" where supported
    return {
        "BACKEND": "victimsupport.s3.DocumentStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env_str("DOCUMENTS_S3_PREFIX", "").strip("/"),
            "endpoint_url": endpoint,
            "region_name": env_str("DOCUMENTS_S3_REGION", "") or None,
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID, an instance role).
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("DOCUMENTS_S3_SECRET_ACCESS_KEY", "") or None,
            # A registered document never changes: a name in use gets another name (checked before writing;
            # registered names hold the unique register number).
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "addressing_style": "path" if endpoint else None,  # S3-compatible servers under one host name
            "object_parameters": {"ServerSideEncryption": encryption} if encryption else {},
        },
    }


def storage_unavailable(exc: BaseException | None) -> bool:
    """Whether a request failed because the object storage is out of reach or busy for a moment (a page
    then asks to try again), not because a file is missing or refused."""
    if isinstance(exc, BotoCoreError):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500 or exc.response.get("Error", {}).get("Code") in {"SlowDown", "Throttling"}
    return False
