"""May we reach this person through this channel? Every letter and notification asks here first.

The answer is no unless safe-contact rules are recorded and allow the channel, the person has the
details the channel needs (and, for letters, an address the rules allow), and the person is not an
alleged perpetrator in any case (who is never contacted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases.choices import Channel, PartyRole
from cases.models import CaseParty, Person, SafeContact


@dataclass(frozen=True)
class Reachability:
    allowed: bool
    channel: str
    reason: str = ""
    # Where to send: an e-mail address, a phone number, or the postal address lines.
    destination: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def label(self) -> str:
        return str(Channel(self.channel).label) if self.channel in Channel.values else self.channel


def is_alleged_perpetrator(person: Person) -> bool:
    return CaseParty.objects.filter(person=person, role=PartyRole.ALLEGED_PERPETRATOR).exists()


@dataclass(frozen=True)
class ContactFacts:
    """What the decision rests on, read once (fresh: the rules may have just changed)."""

    perpetrator: bool
    rules: SafeContact | None


def contact_facts(person: Person) -> ContactFacts:
    perpetrator = CaseParty.objects.filter(person=OuterRef("pk"), role=PartyRole.ALLEGED_PERPETRATOR)
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(perpetrator=Exists(perpetrator))
        .select_related("safe_contact")
        .only("pk", "safe_contact")
        .first()
    )  # one query for both
    if row is None:
        return ContactFacts(False, None)
    try:
        rules = row.safe_contact
    except SafeContact.DoesNotExist:
        rules = None
    return ContactFacts(row.perpetrator, rules)


def may_contact(person: Person, channel: str, *, facts: ContactFacts | None = None) -> Reachability:
    if channel not in Channel.values:
        return Reachability(False, channel, str(_("Unknown channel.")))
    facts = facts or contact_facts(person)
    if facts.perpetrator:
        return Reachability(False, channel, str(_("An alleged perpetrator is never contacted.")))
    rules = facts.rules
    if rules is None:
        return Reachability(False, channel, str(_("No safe-contact rules are recorded for this person.")))
    if not rules.allows(channel):
        return Reachability(False, channel, str(_("The safe-contact rules do not allow this channel.")))
    if channel == Channel.EMAIL:
        if not person.email:
            return Reachability(False, channel, str(_("No e-mail address is recorded.")))
        return Reachability(True, channel, destination=[person.email])
    if channel in (Channel.PHONE, Channel.SMS):
        if not person.phone:
            return Reachability(False, channel, str(_("No phone number is recorded.")))
        return Reachability(True, channel, destination=[person.phone])
    if channel == Channel.LETTER:
        safe_lines = [line.strip() for line in rules.letter_address.splitlines() if line.strip()]
        if rules.never_write_home or rules.confidential_address:
            if not safe_lines:
                return Reachability(
                    False, channel, str(_("Letters may not go to the home address and no safe address is recorded."))
                )
            return Reachability(True, channel, destination=safe_lines)
        if safe_lines:
            return Reachability(True, channel, destination=safe_lines)
        if not person.has_address:
            return Reachability(False, channel, str(_("No postal address is recorded.")))
        return Reachability(True, channel, destination=person.address_lines)
    return Reachability(True, channel)


def letter_address(person: Person) -> dict:
    """Where a letter to the person goes: their name and the address lines the safe-contact rules allow
    (post first, then e-mail), and that channel; no lines when neither is allowed. Never the home
    address when the rules forbid it."""
    facts = contact_facts(person)
    for channel in (Channel.LETTER, Channel.EMAIL):
        decision = may_contact(person, channel, facts=facts)
        if decision:
            return {"name": person.full_name, "lines": decision.destination, "channel": channel}
    return {"name": person.full_name, "lines": [], "channel": ""}


def address_changed(document, person: Person) -> bool:
    """Whether the address printed on a registered letter is no longer the one the rules allow (the rules
    changed after it was rendered; a letter from before addresses were recorded counts as changed)."""
    if document.addressed_to is None:
        return True
    return document.addressed_to.splitlines() != letter_address(person)["lines"]


def allowed_channels(person: Person, *, facts: ContactFacts | None = None) -> list[Reachability]:
    facts = facts or contact_facts(person)
    return [decision for channel in Channel.values if (decision := may_contact(person, channel, facts=facts))]


def unusable_channels(person: Person, *, facts: ContactFacts | None = None) -> list[Reachability]:
    """Channels the rules allow but that cannot be used (a detail is missing): shown so nobody wonders."""
    facts = facts or contact_facts(person)
    if facts.perpetrator or facts.rules is None:
        return []
    return [
        decision
        for channel in Channel.values
        if facts.rules.allows(channel) and not (decision := may_contact(person, channel, facts=facts))
    ]


# A contact's channel and the safe-contact channel it uses (a video call is a phone-type contact).
CONTACT_CHANNEL_RULE = {
    "phone": Channel.PHONE,
    "video": Channel.PHONE,
    "sms": Channel.SMS,
    "email": Channel.EMAIL,
    "letter": Channel.LETTER,
    "in_person": Channel.IN_PERSON,
}


PERSON_EMAIL = "person_email"  # the outbox's delivery check of a message to a person (victimsupport.mail)


def person_email_check(person_id: int, recipients: list[str]) -> str | None:
    """Asked just before an e-mail to a person is handed to the mail server: None when their rules still
    allow e-mail to these addresses, else why not (the message is then withheld)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return str(_("The person's data no longer exist."))
    allowed = may_contact(person, Channel.EMAIL)
    if not allowed:
        return allowed.reason
    if set(recipients) - set(allowed.destination):
        return str(_("The person's e-mail address has changed since the message was written."))
    return None
