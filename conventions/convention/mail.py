"""The convention's copies by mail (DOC-8, steps 6' and 7) as their
recipients read them: the registered texts « convention.copy_company » and
« convention.copy_social » (``conventions.mailtexts``, registered with
their previews from ``texts``), shipped in
``templates/emails/texts/convention.copy_*.txt``, editable by the office.
The contexts hold plain values: the signatures and the attached documents
as lists of dicts."""

from contratpro.frenchdates import long_date, long_datetime

COMPANY = "convention.copy_company"
SOCIAL = "convention.copy_social"


def copy_context(*, dossier, reference, documents, signatures, office):
    """The copies' variables (both texts') and the layout's."""
    student = dossier.student
    return {
        "eleve": student.full_name,
        "departement": student.department.code,
        "annee": dossier.year.label,
        "entreprise": dossier.company.name if dossier.company_id else "",
        "reference": reference,
        "signatures": [
            {
                "partie": str(signature.get_party_display()), "signataire": signature.signer_name,
                "le": long_datetime(signature.at), "moyen": str(signature.get_method_display()).lower(),
            }
            for signature in signatures
        ],
        "pieces": [{"nom": str(document), "sha256": document.sha256} for document in documents],
        "debut": long_date(dossier.start_date) if dossier.start_date else "",
        "fin": long_date(dossier.end_date) if dossier.end_date else "",
        "type_contrat": str(dossier.get_contract_type_display()),
        "email_service": office["email"],
        "ecole": office["school_name"],
    }
