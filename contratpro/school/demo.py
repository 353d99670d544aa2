"""The school's identity in ``manage.py demo`` (DOC-11): the seed leaves
SIRET, NDA and the signatory empty (the school's documents do not give
them); the demo fills the empty ones with marked demonstration values so
that its conventions can go out for signature. An office's entry is kept."""

from .services import school_for_year

DEMO = {
    "siret": "19300005600013",  # demonstration value (valid keys), not the school's
    "vat_number": "FR02193000056",  # demonstration value: FR, its key, the SIREN above
    "nda": "91 30 00000 30",  # demonstration value
    "nda_region": "Occitanie",
    "signatory_name": "Signataire de démonstration",
    "signatory_capacity": "Directrice générale",
    "social_name": "Service social de l'école",
    "social_email": "service-social@mines-ales.fr",
}


def build_identity(context):
    identity = school_for_year(context.year.start_year)
    filled = [name for name, value in DEMO.items() if not getattr(identity, name)]
    if not filled and identity.pk:
        return
    for name in filled:
        setattr(identity, name, DEMO[name])
    if "vat_number" in filled and identity.siret[:9].isdigit():
        # The VAT number of the record's own SIREN (an earlier run's SIRET kept).
        siren = int(identity.siret[:9])
        identity.vat_number = f"FR{(12 + 3 * (siren % 97)) % 97:02d}{siren:09d}"
    created = identity.pk is None
    identity.save()
    context.tally["created" if created else "updated"] += 1
