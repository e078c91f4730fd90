"""The Jinja2 environment (Django's own Jinja2 backend) for the pages opened most: their bodies render
several times faster than in the Django template language. See docs/architecture.md ("A hot page")."""

from __future__ import annotations

import datetime
import functools

from django.core.signals import setting_changed
from django.template import engines
from django.template.defaultfilters import capfirst, filesizeformat, linebreaksbr, truncatechars
from django.templatetags.static import static as static_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_noop
from jinja2 import Environment
from markupsafe import escape

from victimsupport.templatetags.money import format_eur

# Texts the bodies fill in (`_("Page %(number)s", number=...)`): makemessages reads a body as a Django
# template and so finds only `_("...")` without arguments; these keep their place in the catalogue.
JINJA_STRINGS = [
    gettext_noop("Cases found for “%(query)s”"),
    gettext_noop("Rows %(start)s–%(end)s"),
    gettext_noop("Page %(number)s"),
    gettext_noop("last %(date)s"),
    gettext_noop("counted at %(when)s"),
]

# Apps add what their bodies call (cases: names_shown), in AppConfig.ready(), before the first render.
GLOBALS: dict = {}


@functools.lru_cache(maxsize=1024)
def static(path: str) -> str:
    """`static('css/app.css')`: a static file's address, looked up in the manifest once per process."""
    return static_url(path)


def _static_settings_changed(setting: str, **kwargs) -> None:
    if setting in ("STATIC_URL", "STORAGES"):
        static.cache_clear()


setting_changed.connect(_static_settings_changed)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


_ID = 918273645546372819  # stands for the id in a reversed address; no row has it
_id_urls: dict[tuple, tuple[str, str]] = {}


def url_with_id(name: str, *args):
    """`{% set case_url = url_with_id("cases:case") %}...{{ case_url(case.pk) }}`: the address of one row
    per row of a list, reversed once per page instead of once per row (reverse is about 5 µs). The
    last argument is the row's id; `args` are the ones before it."""
    key = (name, args, get_script_prefix(), get_urlconf())
    parts = _id_urls.get(key)
    if parts is None:
        before, _, after = reverse(name, args=[*args, _ID]).partition(str(_ID))
        parts = _id_urls[key] = (before, after)
    before, after = parts
    return lambda pk: f"{before}{int(pk)}{after}"


_translated: dict[tuple[str | None, str], str] = {}


def gettext(message: str, /, **variables) -> str:
    """`_("...")` and `_("... %(name)s", name=...)` in a body: Jinja2's newstyle gettext (escaped as
    Django's {% translate %}, then always %-formatted), with each text looked up once per process and
    language instead of on every call (a list's cell labels called it 200 times a page)."""
    key = (translation.get_language(), message)
    escaped = _translated.get(key)
    if escaped is None:
        escaped = escape(translation.gettext(message))
        if len(_translated) < 20000:  # the texts of the templates; a text built at run time is not kept
            _translated[key] = escaped
    return escaped % variables if variables or "%" in escaped else escaped


def date(value, format_string: str = "d.m.Y") -> str:
    """Django's |date: a date and time in the current time zone (expects_localtime), then formatted. A
    date or a time's date in the lists' format, and a time in the timeline's, is written directly (a list
    has a date or two on each row, a timeline fifty; Django's formatter takes a tenth of a millisecond)."""
    if format_string == "d.m.Y" and value:
        if type(value) is datetime.datetime:  # a time of day: its date where the user is
            value = template_localtime(value)
        if type(value) in (datetime.date, datetime.datetime):
            return _day(value)
    if format_string == "d.m.Y H:i" and type(value) is datetime.datetime:  # a timeline's 50 entries
        value = template_localtime(value)
        return f"{_day(value)} {value.hour:02}:{value.minute:02}"
    return formats.date_format(template_localtime(value), format_string) if value else ""


def _day(value: datetime.date) -> str:
    return f"{value.day:02}.{value.month:02}.{value.year:04}"


_labels: dict[tuple, dict] = {}


def display(obj, field_name: str) -> str:
    """`{{ case|display("status") }}`: a choice field's label in the user's language, like
    get_status_display() but from a per-process table (that hashes every lazy label on every call)."""
    key = (type(obj), field_name, translation.get_language())
    labels = _labels.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        labels = _labels[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(obj, field_name)
    return labels.get(value, value)


def render(template_name: str, context: dict, request=None) -> SafeString:
    """A Jinja2 template rendered as markup (autoescape is always on, see environment()); the context's
    names never hide the environment's own (url, names_shown, person_name, ...)."""
    engine = engines["jinja2"]
    names = {name: value for name, value in context.items() if name not in engine.env.globals}
    return mark_safe(engine.get_template(template_name).render(names, request))  # noqa: S308


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # A translation is text, escaped as Django's {% translate %} escapes it (Jinja2 would trust it as markup).
    env.install_gettext_callables(
        gettext=lambda message: escape(translation.gettext(message)),
        ngettext=lambda singular, plural, n: escape(translation.ngettext(singular, plural, n)),
        pgettext=lambda context, message: escape(translation.pgettext(context, message)),
        npgettext=lambda context, singular, plural, n: escape(translation.npgettext(context, singular, plural, n)),
        newstyle=True,
    )
    env.globals.update(_=gettext, gettext=gettext, url=url, url_with_id=url_with_id, static=static, **GLOBALS)
    env.filters.update(date=date, display=display, eur=format_eur)
    # Django's own, where Jinja2's differ (capitalize lowercases the rest; filesizeformat is not localised).
    env.filters.update(
        capfirst=capfirst, filesizeformat=filesizeformat, linebreaksbr=linebreaksbr, truncatechars=truncatechars
    )
    return env
