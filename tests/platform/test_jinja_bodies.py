"""The Jinja2 bodies of hot pages (docs/architecture.md, "A hot page") speak Estonian: every text they
translate is in the Estonian catalogue (makemessages reads them as Django templates, which can miss one)."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from victimsupport import jinja

ROOT = Path(__file__).resolve().parents[2]
BODIES = sorted(path for path in ROOT.glob("*/jinja2/**/*.html") if ".venv" not in path.parts)
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
TEXT = re.compile(r"""_\(\s*(?:"([^"]+)"|'([^']+)')""")


def test_there_are_bodies_to_check():
    assert len(BODIES) >= 4, BODIES


@pytest.mark.parametrize("path", BODIES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_text_of_a_body_has_its_estonian(path):
    texts = [double or single for double, single in TEXT.findall(path.read_text())]
    assert texts or path.name in ("field.html", "sort_headers.html"), path
    catalogue = trans_real.translation("et")._catalog
    missing = [text for text in texts if text not in catalogue]
    assert not missing, f"{path}: no Estonian for {missing}"
    # Jinja2 fills every text in with %: a % of its own (not %(name)s) would break the page.
    for text in texts:
        for version in (text, catalogue[text]):
            assert "%" not in PLACEHOLDER.sub("", version), (path, version)


def test_a_translation_is_escaped_as_django_escapes_it():
    body = engines["jinja2"].from_string('<p title="{{ _(text) }}">{{ _(text) }}</p>')
    with translation.override("et"):
        html = body.render({"text": 'Tom & "Jerry" <b>'})
    assert html == '<p title="Tom &amp; &#34;Jerry&#34; &lt;b&gt;">Tom &amp; &#34;Jerry&#34; &lt;b&gt;</p>'


def test_a_translation_follows_the_language_of_each_request():
    # Each text is looked up once per process and language (victimsupport.jinja.gettext), never once for all.
    body = engines["jinja2"].from_string('{{ _("Cases") }}|{{ _("Page %(number)s", number=n) }}')
    rendered = []
    for language in ("et", "en", "et"):
        with translation.override(language):
            rendered.append(body.render({"n": "<2>"}))
    assert rendered == ["Juhtumid|Lehekülg &lt;2&gt;", "Cases|Page &lt;2&gt;", "Juhtumid|Lehekülg &lt;2&gt;"]


def test_a_row_address_reversed_once_is_the_address_reverse_gives():
    body = engines["jinja2"].from_string(
        '{% set case_url = url_with_id("cases:case") %}{% set file_url = url_with_id("cases:attachment", 7) %}'
        "{% for pk in ids %}{{ case_url(pk) }} {{ file_url(pk) }} {% endfor %}"
    )
    ids = [1, 42, 918273645]
    expected = "".join(f"{reverse('cases:case', args=[pk])} {reverse('cases:attachment', args=[7, pk])} " for pk in ids)
    assert body.render({"ids": ids}) == expected
    with pytest.raises(ValueError):
        body.render({"ids": ["1/../../admin"]})  # only an id goes into the address


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 1, 5),
        datetime.date(999, 12, 31),
        datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC),  # 02:30 in Tallinn, the same day
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),  # already the next year in Tallinn
        datetime.datetime(2026, 10, 25, 0, 59, tzinfo=datetime.UTC),  # the last minute of summer time
        datetime.datetime(2026, 10, 25, 1, 0, tzinfo=datetime.UTC),  # 03:00 again, in winter time
        datetime.datetime(2026, 5, 1, 23, 30),  # naive: as it is
        None,
    ],
)
@pytest.mark.parametrize("format_string", ["d.m.Y", "d.m.Y H:i", "j. F Y"])
def test_a_date_is_written_as_djangos_date_filter_writes_it(value, format_string):
    if type(value) is datetime.date and "H" in format_string:
        pytest.skip("a time of a date: no body asks it")
    with translation.override("et"):
        expected = (
            engines["django"].from_string("{{ value|date:format }}").render({"value": value, "format": format_string})
        )
        assert jinja.date(value, format_string) == expected
