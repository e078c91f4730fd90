"""Letters: WeasyPrint with the project's fonts, nothing fetched from outside static/, rendered by a
real worker with a job the page polls."""

import io

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from tests.conftest import wait_for
from tests.factories import make_user
from victimsupport.jobs import job_create, job_finish
from victimsupport.letters import ResourceRefused, StaticOnlyURLFetcher, render_pdf
from victimsupport.models import Job
from victimsupport.sampleletter import SAMPLE_TEXT, sample_letter_pdf


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def test_sample_letter_keeps_estonian_and_cyrillic_letters_and_embeds_its_fonts():
    pdf = sample_letter_pdf("et")
    text = pdf_text(pdf)
    for word in ("Õigus", "äri", "öö", "üks", "šokolaad", "žürii", "Съешь", "французских"):
        assert word in text
    fonts = embedded_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("Letter-Sans" in name for name in fonts), fonts  # only the shipped font, no system fallback


def test_the_signature_is_never_alone_on_the_last_page():
    """However long the text before it, the signature takes some of the text's last lines with it to a
    new page (a page with only a signature on it could be taken from one letter and put under another)."""
    crossed = False
    for sentences in range(50, 82, 2):  # the text's end moves across the first page's foot
        context = {
            "number": "1-2/3-4",
            "addressee": {"name": "Mari Maasikas", "lines": ["Jõe tn 5-12"]},
            "sample_text": " ".join(f"Lause {n} selles kirjas on pikk ja igav." for n in range(sentences)),
            "signer": {"name": "Jüri Jõgi", "position": "Ohvriabi spetsialist"},
        }
        pages = PdfReader(io.BytesIO(render_pdf("letters/sample.html", context))).pages
        last = pages[-1].extract_text()
        assert "Jüri Jõgi" in last
        if len(pages) > 1:
            crossed = True
            assert "selles kirjas on pikk ja igav" in last, (sentences, last)
    assert crossed


def test_the_letter_is_in_the_requested_language():
    assert "Proovikiri" in pdf_text(sample_letter_pdf("et"))
    assert "Sample letter" in pdf_text(sample_letter_pdf("en"))
    assert "Proovikiri" in pdf_text(sample_letter_pdf("xx"))  # no template language: Estonian


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file:///work/main/static/../manage.py",
    ],
)
def test_the_url_fetcher_refuses_the_network_and_files_outside_static(url):
    with pytest.raises(ResourceRefused):
        StaticOnlyURLFetcher().fetch(url)


def test_a_letter_that_asks_for_the_network_is_not_rendered(settings):
    html = '<html><body><img src="http://169.254.169.254/latest/meta-data"></body></html>'
    with pytest.raises(ResourceRefused):
        HTML(string=html, base_url="file:///", url_fetcher=StaticOnlyURLFetcher()).write_pdf()


def test_render_pdf_serves_static_files(settings):
    pdf = render_pdf(
        "letters/sample.html",
        {
            "sample_text": SAMPLE_TEXT,
            "addressee": {"name": "X", "lines": []},
            "signer": {"name": "Y", "position": "Z"},
            "number": "1",
        },
    )
    assert pdf.startswith(b"%PDF-")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_sample_letter_and_the_page_polls_the_job(client, celery_worker_process):
    administrator = make_user("administrator", is_staff=True)
    client.force_login(administrator)
    response = client.post("/tools/sample-letter/", {"language": "et"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(f"/jobs/{job.pk}/")
    assert b"<progress" in page.content
    job = wait_for(lambda: Job.objects.filter(pk=job.pk, status="done").first(), timeout=90)
    assert job.progress == 100
    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and f"/jobs/{job.pk}/download/".encode() in fragment.content
    download = client.get(f"/jobs/{job.pk}/download/")
    pdf = b"".join(download.streaming_content)
    assert "šokolaad" in pdf_text(pdf)
    other = make_user("administrator", is_staff=True)
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404  # a job belongs to whoever started it


@pytest.mark.django_db
def test_a_finished_job_reloads_the_page_it_ran_for_instead_of_linking_back_to_it(client):
    """A decision's letter is made while the decision's page polls the job: when it is done, that page is
    loaded again (it shows the letter) rather than offered as "open the result" on itself."""
    user = make_user("specialist", "pohja")
    client.force_login(user)
    job = job_create(kind="decision_letter", created_by=user)
    polled = {"HX-Request": "true", "HX-Current-URL": "http://testserver/aid/decisions/7/"}
    assert "HX-Refresh" not in client.get(f"/jobs/{job.pk}/", headers=polled)  # still running: keep polling
    job_finish(job, result_url="/aid/decisions/7/")
    assert client.get(f"/jobs/{job.pk}/", headers=polled)["HX-Refresh"] == "true"
    # Something typed in a form on that page (static/js/app.js sends typing=1): not reloaded, the result offered.
    typing = client.get(f"/jobs/{job.pk}/", {"typing": "1"}, headers=polled)
    assert "HX-Refresh" not in typing and b'href="/aid/decisions/7/"' in typing.content
    elsewhere = {"HX-Request": "true", "HX-Current-URL": f"http://testserver/jobs/{job.pk}/"}
    response = client.get(f"/jobs/{job.pk}/", headers=elsewhere)  # the job's own page links to the result
    assert "HX-Refresh" not in response and b'href="/aid/decisions/7/"' in response.content
