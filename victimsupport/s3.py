"""Stored documents in S3-compatible object storage (chosen by victimsupport.storage where
DOCUMENTS_S3_BUCKET is set): django-storages' S3Storage, waiting seconds rather than minutes for storage
that is away (the job runner tries again after). Loaded only then: boto3 takes 150 ms and 15 MB."""

from botocore.config import Config
from storages.backends.s3 import S3Storage


class DocumentStorage(S3Storage):
    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "client_config": Config(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        }
