"""Reading and saving the school's identity (DOC-11)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles

from .models import SchoolIdentity

# DOC-11: what a document sent for signature cannot go without.
REQUIRED = {
    "name": gettext_lazy("le nom de l'école"),
    "siret": gettext_lazy("le SIRET de l'école"),
    "nda": gettext_lazy("le numéro de déclaration d'activité"),
    "nda_region": gettext_lazy("la région qui a enregistré la déclaration d'activité"),
    "address": gettext_lazy("l'adresse de l'école"),
    "signatory_name": gettext_lazy("le nom du signataire de l'école"),
    "signatory_capacity": gettext_lazy("la qualité du signataire de l'école"),
}


def school_for_year(start_year):
    """The record that applies to an academic start year: the latest whose
    year is at most it; an unsaved empty record when none does."""
    identity = SchoolIdentity.objects.filter(valid_from_year__lte=start_year).order_by("-valid_from_year").first()
    return identity or SchoolIdentity(valid_from_year=start_year)


def school_latest():
    return SchoolIdentity.objects.order_by("-valid_from_year").first()


def school_missing(identity):
    """The required parts still empty, in French (DOC-11)."""
    return [str(label) for field, label in REQUIRED.items() if not getattr(identity, field).strip()]


@transaction.atomic
def school_save(*, form, by):
    """The office saves the identity for the form's year: that year's record
    is updated, or created when the year is new (the older ones stay)."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro modifie l'identité de l'école."))
    values = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "valid_from_year"}
    identity, _created = SchoolIdentity.objects.update_or_create(
        valid_from_year=form.cleaned_data["valid_from_year"], defaults=values
    )
    return identity


def _current_start_year(today=None):
    """The academic start year N of today (a year runs September N to August N+1, CAL-1)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def office_contact(start_year=None):
    """The office's contact details as pages, mails and documents print them
    (CONTACT-1, DOC-11): read from the school's identity of ``start_year``
    (today's academic year when None); the settings' values stand only for
    a part the office has left empty. One query."""
    from django.conf import settings

    identity = school_for_year(_current_start_year() if start_year is None else start_year)
    fallback = settings.CONTRATPRO_CONTACT
    address = identity.address_lines()
    if address:
        # The letters reach the office at the school's address.
        address = [part for part in (identity.name, str(gettext_lazy("Service Contrats de professionnalisation"))) if part] + address
    return {
        "email": identity.mailbox or identity.office_email or fallback["email"],
        "address": address or list(fallback["address"]),
        "phone": identity.office_phone,
        "school_name": identity.name or (fallback["address"][0] if fallback["address"] else ""),
        "social_name": identity.social_name,
        "social_email": identity.social_email,
        "social_address": identity.social_address_lines(),
    }
