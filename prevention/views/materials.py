"""Material pages: the staff's list and a material's page with its versions and actions, and the public
page (no login) with the published materials, their files and a JSON feed for the agency's website."""

from __future__ import annotations

import copy

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views import View
from django.views.generic import TemplateView

from prevention import forms, selectors
from prevention.models import Material, MaterialFile, MaterialLanguage
from prevention.services import materials as services
from prevention.services.plans import PLANNERS
from victimsupport.paging import paginate
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.views.actions import ActionView

EDITORS = services.EDITORS


class MaterialListView(RoleRequiredMixin, TemplateView):
    roles = EDITORS
    template_name = "prevention/material_list.html"

    def get_context_data(self, **kwargs):
        form = forms.MaterialFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        materials = selectors.material_list(status=filters.get("status") or "", overdue=bool(filters.get("overdue")))
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page": paginate(materials, self.request.GET),
            "today": timezone.localdate(),
            "may_plan": self.request.user.has_role(*PLANNERS),
        }


class MaterialAddView(RoleRequiredMixin, ActionView):
    roles = EDITORS
    template_name = "prevention/form.html"
    title = gettext_lazy("A new material")
    success_message = gettext_lazy("The material was saved as a draft. Add its files.")

    def get_form(self, data=None, **kwargs):
        return forms.MaterialForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        material = services.material_create(
            actor=self.request.user, **{name: data[name] for name in services.MATERIAL_FIELDS}
        )
        return reverse("prevention:material", args=[material.pk])

    def object_url(self) -> str:
        return reverse("prevention:material-list")


class MaterialMixin(RoleRequiredMixin):
    roles = EDITORS

    def prepare(self, request, *args, **kwargs):
        self.material = get_object_or_404(Material.objects.select_related("owner", "approved_by"), pk=kwargs["pk"])

    def object_url(self) -> str:
        return reverse("prevention:material", args=[self.material.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "material": self.material}


class MaterialDetailView(MaterialMixin, TemplateView):
    template_name = "prevention/material_detail.html"

    def get_context_data(self, **kwargs):
        material, user = self.material, self.request.user
        files = list(material.files.select_related("uploaded_by"))
        return {
            **super().get_context_data(**kwargs),
            "material": material,
            "files": files,
            "today": timezone.localdate(),
            "can_approve": material.is_draft
            and user.has_role(*services.APPROVERS)
            and user.pk != material.owner_id
            and not material.contributors.filter(pk=user.pk).exists(),
            "approval_closed": material.is_draft and user.pk == material.owner_id,
            "reviewed_form": forms.ReviewedForm(),
            "may_review": user.pk == material.owner_id or user.has_role(*services.APPROVERS),
        }


class MaterialEditView(MaterialMixin, ActionView):
    template_name = "prevention/form.html"
    title = gettext_lazy("The material")
    edits = "material"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", copy.copy(self.material))  # a rejected form leaves the page's object
        return forms.MaterialForm(data, user=self.request.user, **kwargs)

    def perform(self, data):
        services.material_update(
            actor=self.request.user,
            material=self.material,
            expected_version=data["version"],
            **{name: data[name] for name in services.MATERIAL_FIELDS},
        )


class FileAddView(MaterialMixin, ActionView):
    template_name = "prevention/form.html"
    form_class = forms.FileForm
    title = gettext_lazy("Add a file")
    multipart = True
    success_message = gettext_lazy("The file was added.")

    def perform(self, data):
        services.file_add(
            actor=self.request.user,
            material=self.material,
            language=data["language"],
            upload=data["upload"],
            note=data["note"],
        )


class FileView(RoleRequiredMixin, View):
    """A file of any version, for staff."""

    roles = EDITORS

    def get(self, request, pk):
        row = get_object_or_404(MaterialFile, pk=pk)
        return _file_response(row)


def _file_response(row: MaterialFile, *, public: bool = False) -> FileResponse:
    if not row.file:
        raise Http404
    name = row.public_name if public else row.original_name  # never the uploader's file name in public
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=name, content_type=row.content_type)


class ApproveView(MaterialMixin, ActionView):
    form_class = forms.VersionForm
    success_message = gettext_lazy("The material was approved. Publish it when it should be public.")

    def perform(self, data):
        services.material_approve(actor=self.request.user, material=self.material, expected_version=data["version"])


class ReturnView(MaterialMixin, ActionView):
    success_message = gettext_lazy("The material is a draft again.")

    def perform(self, data):
        services.material_return_to_draft(actor=self.request.user, material=self.material)


class PublishView(MaterialMixin, ActionView):
    success_message = gettext_lazy("The material is published.")

    def perform(self, data):
        services.material_publish(actor=self.request.user, material=self.material)


class ReviseView(MaterialMixin, ActionView):
    success_message = gettext_lazy("A new version was started. The published one stays public until this is published.")

    def perform(self, data):
        services.material_revise(actor=self.request.user, material=self.material)


class WithdrawView(MaterialMixin, ActionView):
    success_message = gettext_lazy("The material was withdrawn from the public page.")

    def perform(self, data):
        services.material_withdraw(actor=self.request.user, material=self.material)


class ReviewedView(MaterialMixin, ActionView):
    form_class = forms.ReviewedForm
    success_message = gettext_lazy("The review was recorded.")

    def perform(self, data):
        services.material_reviewed(
            actor=self.request.user, material=self.material, next_review_on=data["next_review_on"]
        )


# --- public, without login ---


class PublicListView(View):
    def get(self, request):
        form = forms.PublicFilterForm(request.GET or None)
        language = form.cleaned_data.get("language", "") if form.is_valid() else ""
        materials = list(selectors.public_materials(language))
        return render(
            request,
            "prevention/public_list.html",
            {"materials": materials, "form": form, "language": request.LANGUAGE_CODE},
        )


class PublicFileView(View):
    def get(self, request, pk, language):
        if language not in MaterialLanguage.values:
            raise Http404
        row = selectors.public_file(pk, language)
        if row is None:
            raise Http404
        return _file_response(row, public=True)


class PublicFeedView(View):
    """The published materials as a JSON Feed 1.1 (https://jsonfeed.org/version/1.1), newest first, for
    the agency's website. Addresses are the site's (SITE_URL), whatever host the request came through."""

    def get(self, request):
        site = settings.SITE_URL
        items = []
        for material in selectors.public_materials():
            for row in material.public_files:
                url = site + reverse("prevention:public-file", args=[material.pk, row.language])
                items.append(
                    {
                        "id": f"material-{material.pk}-{row.language}-v{row.number}",
                        "url": url,
                        "title": material.published_title,
                        "content_text": material.published_summary,
                        "summary": material.published_summary,
                        "language": row.language,
                        "date_published": material.published_at.isoformat(),
                        "date_modified": max(material.published_at, row.uploaded_at).isoformat(),
                        "tags": [material.published_kind_label],
                        "attachments": [
                            {
                                "url": url,
                                "mime_type": row.content_type,
                                "size_in_bytes": row.size,
                                "title": row.public_name,
                            }
                        ],
                    }
                )
        items.sort(key=lambda item: item["date_published"], reverse=True)
        with override("et"):
            title = str(_("Victim support: information materials"))
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "language": "et",
            "home_page_url": site + reverse("prevention:public"),
            "feed_url": site + reverse("prevention:public-feed"),
            "items": items,
        }
        return JsonResponse(feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})
