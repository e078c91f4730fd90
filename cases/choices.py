"""Reference lists of the cases app (values in English, labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")
    OTHER = "X", _("other or not stated")


class Language(models.TextChoices):
    ESTONIAN = "et", _("Estonian")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    UKRAINIAN = "uk", _("Ukrainian")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    """Ways to reach a person (safe-contact rules) and ways a contact took place."""

    PHONE = "phone", _("phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("letter")
    IN_PERSON = "in_person", _("in person")


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("phone")
    VIDEO = "video", _("video call")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS or chat")
    LETTER = "letter", _("letter")


class ContactKind(models.TextChoices):
    COUNSELLING = "counselling", _("counselling session")
    FIRST_CONTACT = "first_contact", _("first contact")
    INFORMATION = "information", _("information and advice")
    CASE_MANAGEMENT = "case_management", _("case management")
    ACCOMPANIMENT = "accompaniment", _("accompaniment")
    CRISIS = "crisis", _("crisis help")


class ReferralSource(models.TextChoices):
    SELF = "self", _("self (the person contacted us)")
    POLICE = "police", _("police")
    LOCAL_GOVERNMENT = "local_government", _("local government")
    HEALTH = "health", _("health care")
    MARAC = "marac", _("MARAC")
    OTHER = "other", _("other")


# Sources that forward a person's data to us: OAS § 7(3) needs the person's consent, recorded.
FORWARDING_SOURCES = frozenset(
    {
        ReferralSource.POLICE,
        ReferralSource.LOCAL_GOVERNMENT,
        ReferralSource.HEALTH,
        ReferralSource.MARAC,
        ReferralSource.OTHER,
    }
)


class IncidentType(models.TextChoices):
    DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("sexual violence")
    TRAFFICKING = "trafficking", _("human trafficking")
    OTHER_VIOLENCE = "other_violence", _("other violence")
    PROPERTY = "property", _("crime against property")
    CRISIS = "crisis", _("crisis event")
    OTHER = "other", _("other")


class ProceedingsKind(models.TextChoices):
    NONE = "", _("none")
    CRIMINAL = "criminal", _("criminal proceedings")
    MISDEMEANOUR = "misdemeanour", _("misdemeanour proceedings")


class RiskLevel(models.TextChoices):
    STANDARD = "standard", _("standard")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("the goals were met")
    CLIENT_DECLINED = "client_declined", _("the client declined further help")
    NO_CONTACT = "no_contact", _("no contact with the client")
    REFERRED = "referred", _("referred to another service")
    MOVED = "moved", _("the client moved away")
    DECEASED = "deceased", _("the client died")
    OTHER = "other", _("other reason")


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    FAMILY_MEMBER = "family_member", _("family member")
    WITNESS = "witness", _("witness")
    ALLEGED_PERPETRATOR = "alleged_perpetrator", _("alleged perpetrator")
    OTHER = "other", _("other person")


class RelationKind(models.TextChoices):
    """`person` is <kind> `related_person`."""

    CHILD_OF = "child_of", _("child of")
    PARENT_OF = "parent_of", _("parent of")
    RAISES_CHILD_OF = "raises_child_of", _("raises the child of")
    GRANDCHILD_OF = "grandchild_of", _("grandchild of")
    GRANDPARENT_OF = "grandparent_of", _("grandparent of")
    SIBLING_OF = "sibling_of", _("sibling of")
    SPOUSE_OF = "spouse_of", _("spouse or cohabitant of")
    FORMER_SPOUSE_OF = "former_spouse_of", _("former spouse or cohabitant of")
    PARTNER_OF = "partner_of", _("partner of")
    FAMILY_MEMBER_OF = "family_member_of", _("other family member of")


class AgeGroup(models.TextChoices):
    CHILD = "0-17", _("under 18")
    YOUNG = "18-26", _("18–26")
    ADULT = "27-64", _("27–64")
    SENIOR = "65+", _("65 and over")
    UNKNOWN = "unknown", _("unknown")


def delivery_label(channel: str) -> str:
    """How a decision letter was delivered, as the page says it (a channel, or picked up in person)."""
    if channel == "pickup":
        return str(_("picked up in person"))
    return str(Channel(channel).label) if channel in Channel.values else ""
