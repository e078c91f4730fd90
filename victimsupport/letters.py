"""PDF letters: an HTML template rendered by WeasyPrint, with the project's own fonts and nothing
fetched from the network or from files outside static/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from victimsupport.audit import AccessAction, log_access
from victimsupport.seal import PDF_VARIANT, seal_configured, seal_pdf


class ResourceRefused(FatalURLFetchingError):
    """A letter asked for something outside static/: rendering stops."""


def static_roots() -> list[Path]:
    roots = [Path(directory).resolve() for directory in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticOnlyURLFetcher(URLFetcher):
    """Serves file: URLs inside the static directories and data: URLs; refuses everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise ResourceRefused(f"letters may not fetch {parts.scheme or 'relative'} URLs: {url[:100]}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in static_roots()):
            raise ResourceRefused(f"letters may only read files in static/: {path}")
        if not path.is_file():
            raise ResourceRefused(f"no such static file: {path}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": _mime(path)})


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".jpg": "image/jpeg",
    }.get(path.suffix.lower(), "application/octet-stream")


def render_pdf(template_name: str, context: dict, *, language: str = "et", preview: bool = False) -> bytes:
    """Render a letter template to PDF bytes in `language` (falls back to Estonian): an archival PDF
    (PDF/A-2b, fonts embedded), sealed with the agency's e-seal when one is configured (victimsupport.seal);
    the template's `sealed` says whether it is. A `preview` (a draft shown before approval) is never sealed
    and says on every page that it is not a decision."""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    sealed = seal_configured() and not preview
    context = {**context, "preview": preview}
    with translation.override(language):
        html = render_to_string(
            template_name, {"agency": settings.AGENCY, **context, "LANGUAGE_CODE": language, "sealed": sealed}
        )
    base_url = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyURLFetcher())
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return seal_pdf(pdf) if sealed else pdf


def letter_download(request, letter, *, persons: list[int], restricted: bool = False) -> FileResponse:
    """A registered letter as a download, logged as a read of the persons it names (`restricted`: shown to
    them as P, e.g. from criminal proceedings); 404 if not made yet."""
    if letter is None or not letter.file:
        raise Http404
    log_access(request.user, AccessAction.DOWNLOAD, obj=letter, persons=persons, restricted=restricted)
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{letter.number.replace('/', '_')}.pdf",
    )
