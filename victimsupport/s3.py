"""Stored documents in S3-compatible object storage (chosen by victimsupport.storage where
DOCUMENTS_S3_BUCKET is set): django-storages' S3Storage, waiting seconds rather than minutes for storage
that is away (the job runner tries again after). Loaded only then: boto3 takes 150 ms and 15 MB."""

from botocore.config import Config
from storages.backends.s3 import S3Storage


class DocumentStorage(S3Storage):
    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            # At most about 2 x (3 + 10) s: a page answers 503 before gunicorn's 30 s timeout ends its worker.
            "client_config": Config(
                connect_timeout=3, read_timeout=10, retries={"max_attempts": 2, "mode": "standard"}
            ),
        }
