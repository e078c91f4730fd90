"""Information materials: four eyes before publishing, versions in three languages, the published
version public (without login, and as a JSON feed) while a revision is prepared, withdrawn ones gone,
overdue reviews told to the owner once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prevention.models import Material
from prevention.services import materials as services
from tests.factories import make_user
from victimsupport.concurrency import ConcurrentEdit
from victimsupport.models import Notification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def pdf(text: str = "juhend") -> SimpleUploadedFile:
    return SimpleUploadedFile("juhend.pdf", b"%PDF-1.4 " + text.encode(), content_type="application/pdf")


def create(actor, **fields):
    values = {
        "title": "Kui sind kiusatakse kodus",
        "kind": "guide",
        "audience": "lähisuhtevägivalla ohvrid",
        "summary": "Kuhu pöörduda ja kuidas ohvriabi aitab.",
        "owner": actor,
        "review_due_on": TODAY + timedelta(days=365),
    }
    return services.material_create(actor=actor, **(values | fields))


def published(owner, approver, *languages):
    material = create(owner)
    for language in languages or ("et",):
        services.file_add(actor=owner, material=material, language=language, upload=pdf(f"v1 {language}"))
    services.material_approve(actor=approver, material=material)
    return services.material_publish(actor=owner, material=material)


class TestWorkflow:
    def test_four_eyes_and_the_estonian_file_first(self, specialist, manager):
        material = create(specialist)
        with pytest.raises(ValidationError):
            services.material_approve(actor=manager, material=material)  # no Estonian file yet
        services.file_add(actor=specialist, material=material, language="ru", upload=pdf())
        with pytest.raises(ValidationError):
            services.material_approve(actor=manager, material=material)
        services.file_add(actor=specialist, material=material, language="et", upload=pdf())
        for not_an_approver in (specialist, make_user("specialist", "pohja")):
            with pytest.raises(PermissionDenied):
                services.material_approve(actor=not_an_approver, material=material)
        own = create(manager)
        services.file_add(actor=manager, material=own, language="et", upload=pdf())
        with pytest.raises(PermissionDenied):  # nobody approves their own
            services.material_approve(actor=manager, material=own)
        approved = services.material_approve(actor=manager, material=material)
        assert approved.is_approved and approved.approved_by == manager
        with pytest.raises(ValidationError):  # approved content is not edited
            services.material_update(
                actor=specialist,
                material=approved,
                expected_version=approved.version,
                **{name: getattr(approved, name) for name in services.MATERIAL_FIELDS} | {"title": "Muu"},
            )

    def test_a_revision_keeps_the_published_version_public(self, client, specialist, manager):
        material = published(specialist, manager, "et", "ru")
        assert client.get(f"/prevention/public/{material.pk}/et/").getvalue() == b"%PDF-1.4 v1 et"
        services.material_revise(actor=specialist, material=material)
        material.refresh_from_db()
        assert material.is_draft and material.current_version == 2 and material.published_version == 1
        services.file_add(actor=specialist, material=material, language="et", upload=pdf("v2 et"))
        assert client.get(f"/prevention/public/{material.pk}/et/").getvalue() == b"%PDF-1.4 v1 et"
        services.material_approve(actor=manager, material=material)
        services.material_publish(actor=specialist, material=material)
        assert client.get(f"/prevention/public/{material.pk}/et/").getvalue() == b"%PDF-1.4 v2 et"
        # Version 2 has no Russian file: the Russian one of version 1 is no longer offered.
        assert client.get(f"/prevention/public/{material.pk}/ru/").status_code == 404
        assert material.files.count() == 3  # every version kept

    def test_a_revision_is_not_public_until_published_and_what_was_approved_was_seen(self, client, specialist, manager):
        material = published(specialist, manager)
        services.material_revise(actor=specialist, material=material)
        material.refresh_from_db()
        values = {name: getattr(material, name) for name in services.MATERIAL_FIELDS}
        services.material_update(
            actor=specialist, material=material, expected_version=material.version, **values | {"title": "Uus pealkiri"}
        )
        assert "Uus pealkiri" not in client.get("/prevention/public/").content.decode()
        assert "Uus pealkiri" not in client.get("/prevention/public/feed.json").content.decode()
        material.refresh_from_db()
        seen = material.version
        services.file_add(actor=specialist, material=material, language="et", upload=pdf("v2"))  # swapped meanwhile
        with pytest.raises(ConcurrentEdit):
            services.material_approve(actor=manager, material=material, expected_version=seen)
        helper = make_user("regional_manager", "pohja")
        services.file_add(actor=helper, material=material, language="en", upload=pdf("en"))
        with pytest.raises(ValidationError):  # who prepared the version does not approve it
            services.material_approve(actor=helper, material=material)
        services.material_approve(actor=manager, material=Material.objects.get(pk=material.pk))
        services.material_publish(actor=specialist, material=material)
        assert "Uus pealkiri" in client.get("/prevention/public/").content.decode()

    def test_reviews_overdue_are_told_once_and_a_review_moves_the_date(self, specialist, manager):
        material = published(specialist, manager)
        Material.objects.filter(pk=material.pk).update(review_due_on=TODAY - timedelta(days=1))
        assert services.send_review_reminders() == 1 and services.send_review_reminders() == 0
        assert Notification.objects.filter(user=specialist, params__title=material.title).exists()
        with pytest.raises(ValidationError):
            services.material_reviewed(actor=specialist, material=material, next_review_on=TODAY)
        services.material_reviewed(actor=specialist, material=material, next_review_on=TODAY + timedelta(days=300))
        material.refresh_from_db()
        assert material.is_published and material.review_reminded_on is None


class TestPublic:
    def test_only_published_materials_without_login(self, client, specialist, manager):
        public = published(specialist, manager, "et", "en")
        draft = create(specialist, title="Mustand")
        services.file_add(actor=specialist, material=draft, language="et", upload=pdf())
        withdrawn = published(specialist, manager)
        Material.objects.filter(pk=withdrawn.pk).update(title="Tagasi võetud")
        services.material_withdraw(actor=specialist, material=withdrawn)
        page = client.get("/prevention/public/")
        assert page.status_code == 200
        html = page.content.decode()
        assert public.title in html and "Mustand" not in html and "Tagasi võetud" not in html
        assert client.get(f"/prevention/public/{draft.pk}/et/").status_code == 404
        assert client.get(f"/prevention/public/{withdrawn.pk}/et/").status_code == 404
        assert client.get(f"/prevention/public/{public.pk}/xx/").status_code == 404
        english = client.get("/prevention/public/?language=en").content.decode()
        assert public.title in english
        estonian_only = published(specialist, manager)
        Material.objects.filter(pk=estonian_only.pk).update(published_title="Ainult eesti keeles")
        assert "Ainult eesti keeles" not in client.get("/prevention/public/?language=en").content.decode()
        download = client.get(f"/prevention/public/{public.pk}/et/")
        assert "juhend.pdf" not in download["Content-Disposition"]  # the uploader's name is not public
        assert "-v1-et.pdf" in download["Content-Disposition"]
        feed = client.get("/prevention/public/feed.json")
        assert feed["Content-Type"].startswith("application/feed+json")
        data = feed.json()
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        items = [item for item in data["items"] if item["title"] == public.title]
        assert {item["language"] for item in items} == {"et", "en"}
        assert all(item["content_text"] and item["url"].startswith(settings.SITE_URL) for item in data["items"])

    def test_staff_pages_need_a_staff_role(self, client, specialist):
        client.force_login(make_user("volunteer", "pohja"))
        assert client.get("/prevention/materials/").status_code == 403
        client.force_login(specialist)
        assert client.get("/prevention/materials/").status_code == 200
        response = client.post(
            "/prevention/materials/new/",
            {
                "title": "Juhend",
                "kind": "guide",
                "audience": "ohvrid",
                "summary": "",
                "owner": specialist.pk,
                "review_due_on": (TODAY + timedelta(days=10)).strftime("%d.%m.%Y"),
            },
        )
        assert response.status_code == 400 and "Juhend" in response.content.decode()
        assert not Material.objects.exists()
