import pytest
from django.core.cache import cache
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_heartbeat_reports_name_version_times_and_dependencies(client):
    from victimsupport.views.health import WORKER_HEARTBEAT_KEY

    cache.set(WORKER_HEARTBEAT_KEY, timezone.now().isoformat())
    body = client.get("/heartbeat.json").json()
    assert body["name"] == "victimsupport" and body["version"]
    assert body["startTime"] and body["serverTime"] and "buildTime" in body
    assert body["dependencies"]["postgresql"] == "ok" and body["dependencies"]["redis"] == "ok"
    assert body["dependencies"]["workers"]["status"] == "ok"


def test_error_pages_keep_the_status_and_show_no_detail(client, specialist):
    client.force_login(specialist)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Lehte ei leitud" in html or "Page not found" in html
    assert "Traceback" not in html and "/work/" not in html
