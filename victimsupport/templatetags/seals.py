"""{% letter_seal document %}: the e-seal of a registered letter as its page shows it (who sealed it,
when, and whether the stored file's seal is valid and intact: victimsupport.seal.check_document)."""

from django import template

from victimsupport.seal import check_document

register = template.Library()


@register.inclusion_tag("includes/letter_seal.html")
def letter_seal(document):
    return {"document": document, "check": check_document(document) if document else None}
