"""Persons (clients and other parties), their relations and their safe-contact rules."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from stdnum.ee import ik

from cases.choices import Channel, Language, RelationKind, Sex
from victimsupport.history import history
from victimsupport.models import County
from victimsupport.permissions import GuardedManager


def normalize_name(text: str) -> str:
    """Lower case without diacritics and extra spaces: 'Õie  Šmidt' -> 'oie smidt'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def validate_personal_code(value: str) -> None:
    if not value:
        return
    if not value.isdigit() or len(value) != 11:
        raise ValidationError(_("A personal code has 11 digits."), code="format")
    try:
        ik.validate(value)
    except Exception as exc:
        raise ValidationError(
            _("This is not a valid Estonian personal code: the check digit or the birth date is wrong."),
            code="invalid",
        ) from exc


def personal_code_facts(code: str) -> tuple:
    """Birth date and sex from a valid personal code."""
    return ik.get_birth_date(code), (Sex.MALE if ik.get_gender(code) == "M" else Sex.FEMALE)


class Person(models.Model):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    personal_code = models.CharField(
        _("personal code"),
        max_length=11,
        blank=True,
        default="",
        validators=[validate_personal_code],
        help_text=_("Optional for people without an Estonian personal code; then enter the birth date."),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, default="")
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ESTONIAN)
    email = models.EmailField(_("e-mail"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    # Address in the parts of the state address system (ADS).
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True, default="")
    settlement = models.CharField(_("settlement"), max_length=100, blank=True, default="")
    street = models.CharField(_("street"), max_length=150, blank=True, default="")
    house = models.CharField(_("house"), max_length=20, blank=True, default="")
    apartment = models.CharField(_("apartment"), max_length=20, blank=True, default="")
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True, default="")
    ads_code = models.CharField(_("ADS code"), max_length=20, blank=True, default="")
    search_name = models.CharField(max_length=210, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history(excluded_fields=["search_name"])

    objects = GuardedManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name", "id"]
        permissions = [("contact_person", "Can contact the person")]
        indexes = [
            models.Index(fields=["personal_code"], name="person_code_idx", condition=~models.Q(personal_code="")),
            GinIndex(OpClass("search_name", name="gin_trgm_ops"), name="person_search_name_trgm"),
            models.Index(fields=["last_name", "first_name", "birth_date"], name="person_name_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(f"{self.first_name} {self.last_name}")
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address_lines(self) -> list[str]:
        street = " ".join(part for part in [self.street, self.house] if part)
        if self.apartment:
            street = f"{street}-{self.apartment}"
        place = " ".join(part for part in [self.postal_code, self.settlement or self.municipality] if part)
        return [line for line in [street, place, str(self.county) if self.county_id else ""] if line]

    @property
    def has_address(self) -> bool:
        return bool(self.street and (self.settlement or self.municipality))

    @property
    def country_code(self) -> str:
        """The code as it leaves the system (Data Tracker, exports): EE37605030299."""
        return f"EE{self.personal_code}" if self.personal_code else ""

    def clean(self) -> None:
        errors = {}
        if self.personal_code:
            try:
                validate_personal_code(self.personal_code)
            except ValidationError as exc:
                errors["personal_code"] = exc.messages
            else:
                birth_date, sex = personal_code_facts(self.personal_code)
                self.birth_date, self.sex = birth_date, sex
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The birth date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class PersonUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class PersonRelation(models.Model):
    """`person` is <kind> `related_person` (e.g. child of)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reverse_relations")
    kind = models.CharField(_("relation"), max_length=30, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = history()

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(fields=["person", "related_person", "kind"], name="person_relation_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("related_person")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.related_person}"


class SafeContact(models.Model):
    """How a person may be reached. Without recorded rules no channel is allowed (cases.contact)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="safe_contact")
    phone_allowed = models.BooleanField(_("phone calls allowed"), default=False)
    sms_allowed = models.BooleanField(_("SMS allowed"), default=False)
    email_allowed = models.BooleanField(_("e-mail allowed"), default=False)
    letter_allowed = models.BooleanField(_("letters allowed"), default=False)
    in_person_allowed = models.BooleanField(_("meeting in person allowed"), default=True)
    channel_notes = models.TextField(_("notes on the channels"), blank=True, default="")
    safe_times = models.CharField(_("safe times"), max_length=200, blank=True, default="")
    code_word = models.CharField(_("code word"), max_length=100, blank=True, default="")
    never_write_home = models.BooleanField(_("never write to the home address"), default=False)
    confidential_address = models.BooleanField(_("confidential address"), default=False)
    # Where letters may go when the home address must not be used.
    letter_address = models.TextField(_("safe postal address"), blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Rules are replaced only by someone who saw the stored ones: an edit names the version it started
    # from (0: no rules were recorded), cases.services.persons.safe_contact_set.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("safe-contact rules")
        verbose_name_plural = _("safe-contact rules")

    def __str__(self) -> str:
        return str(_("Safe-contact rules of %(person)s") % {"person": self.person})

    def clean(self) -> None:
        if (
            self.letter_allowed
            and (self.never_write_home or self.confidential_address)
            and not self.letter_address.strip()
        ):
            raise ValidationError(
                {
                    "letter_address": _(
                        "Letters may not go to the home address: enter a safe postal address, or do not allow letters."
                    )
                }
            )

    def allows(self, channel: str) -> bool:
        return {
            Channel.PHONE: self.phone_allowed,
            Channel.SMS: self.sms_allowed,
            Channel.EMAIL: self.email_allowed,
            Channel.LETTER: self.letter_allowed,
            Channel.IN_PERSON: self.in_person_allowed,
        }.get(channel, False)
