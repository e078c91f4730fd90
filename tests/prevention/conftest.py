import pytest
from django.utils.translation import override


@pytest.fixture(autouse=True)
def english(client):
    """These tests read the English texts."""
    client.cookies["django_language"] = "en"
    with override("en"):
        yield
