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
