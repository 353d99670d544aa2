"""factory-boy factories. Departments come from the shipped programme
(migration students.0002), never invented here."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django.contrib.auth.models import Group
from stdnum.fr import nir as stdnum_nir

from contratpro.models import User
from contratpro.roles import Group_
from conventions.models import Company, CompanyContact, Dossier
from students.models import AcademicYear, Department, Student


def department(code="2IA"):
    return Department.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@mines-ales.org")
    password = factory.django.Password("motdepasse-de-test")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=Group_(name).value))


class AcademicYearFactory(factory.django.DjangoModelFactory):
    """Year N/N+1 with the seed's fixed dates (CAL-1) and a plausible calendar."""

    class Meta:
        model = AcademicYear
        django_get_or_create = ("start_year",)

    start_year = 2026
    rentree = factory.LazyAttribute(lambda y: datetime.date(y.start_year, 9, 1))
    s9_end = factory.LazyAttribute(lambda y: datetime.date(y.start_year, 12, 31))
    s10_start = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 1, 1))
    christmas_start = factory.LazyAttribute(lambda y: datetime.date(y.start_year, 12, 19))
    christmas_end = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 1, 3))
    pfe_start = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 3, 1))
    contract_end = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 8, 31))
    training_cost = Decimal("8000.00")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    user = factory.SubFactory(UserFactory)
    year = factory.SubFactory(AcademicYearFactory)
    department = factory.LazyFunction(lambda: department("2IA"))
    option = factory.LazyAttribute(lambda s: s.department.options.first())
    student_number = factory.Sequence(lambda n: f"E{20260000 + n}")
    # Eligible by default but for the information meeting, a record of its own (ELIG-1).
    sio_validated = True
    toeic_validated = True


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    # A valid SIRET (Luhn key) per sequence number.
    siret = factory.Sequence(lambda n: valid_siret(n))
    naf = "6201Z"
    idcc = "1486"
    opco = "Atlas"
    address = "12 rue de la République"
    postal_code = "30100"
    city = "Alès"


class CompanyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyContact

    company = factory.SubFactory(CompanyFactory)
    role = CompanyContact.Role.TUTOR
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"contact{n}@entreprise.example")
    # A person recorded by the office: their address is confirmed (ROLE-5).
    # A student's entry goes through the fiche's services, unconfirmed.
    email_confirmed_at = factory.LazyFunction(timezone.now)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    student = factory.SubFactory(StudentFactory)
    year = factory.LazyAttribute(lambda d: d.student.year)
    company = factory.SubFactory(CompanyFactory)
    contract_type = Dossier.ContractType.CDD
    start_date = factory.LazyAttribute(lambda d: d.year.rentree)
    end_date = factory.LazyAttribute(lambda d: d.year.contract_end)


def valid_siret(n):
    """A 14-digit SIRET with a correct Luhn key, distinct for each ``n``."""
    from conventions.companies.validators import luhn_ok

    base = f"{(n % 10**13):013d}"
    for key in "0123456789":
        if luhn_ok(base + key):
            return base + key
    raise AssertionError("unreachable: one key digit always fits")


# --- What the steps attest (STEP-6), provided through the services -----------

def tiny_pdf(width=595):
    """A one-page PDF, small and valid: the upload's checks open it (DOC-6)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()



STUDENT_PART = {"company_activities": "Planification des tournées.", "pfe_project": "Solveur de contraintes."}
PFE_PART = {
    "pfe_title": "Moteur de tournées par contraintes", "pfe_context": "Éditeur de logiciels.",
    "pfe_purpose": "Réduire les kilomètres.", "pfe_objectives": "Un prototype mesuré.",
    "pfe_schedule": "Mars à août.",
}


def company_part(n=0, dossier=None):
    """The company's part of the fiche (DOC-1), complete; naming the
    dossier's own tutor and signatory when it has them (their addresses
    stay confirmed, ROLE-5)."""
    part = {
        "company_presentation": "Éditeur de logiciels de gestion (45 salariés).",
        "tutor_first_name": "Frédéric", "tutor_last_name": f"Combes{n}", "tutor_job": "Responsable du pôle",
        "tutor_email": f"tuteur{n}@entreprise.example", "tutor_phone": "04 66 52 18 30",
        "tutor_experience_years": 12,
        "signatory_first_name": "Anne", "signatory_last_name": f"Salles{n}", "signatory_job": "Présidente",
        "signatory_email": f"signataire{n}@entreprise.example",
    }
    for prefix, contact in (("tutor", getattr(dossier, "tuteur_entreprise", None)),
                            ("signatory", getattr(dossier, "signataire", None))):
        if contact is not None:
            part.update({f"{prefix}_first_name": contact.first_name, f"{prefix}_last_name": contact.last_name,
                         f"{prefix}_email": contact.email})
    return part


def upload(dossier, kind, *, by, step=""):
    """Deposit a tiny PDF of ``kind`` (DOC-6), through the upload service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conventions.documents import files

    return files.document_upload(
        dossier=dossier, kind=kind, step=step, by=by,
        uploaded_file=SimpleUploadedFile(f"{kind}.pdf", tiny_pdf(), content_type="application/pdf"),
    )


def report_parts_ticked(document, *, by):
    """EVAL-2, step A: the four parts of the S9 report ticked on ``document``
    (what step A's hand-in records, STEP-6)."""
    from grading.s9.models import REPORT_PARTS, ReportParts

    return ReportParts.objects.create(document=document, by=by, **dict.fromkeys(REPORT_PARTS, True))


def fiche_typed(dossier, *, by=None):
    """Both parts of the fiche contact typed by the student (DOC-1, steps 2 and 3)."""
    from conventions.fiche import services as fiche

    by = by or dossier.student.user
    company = dossier.company
    identity = {name: getattr(company, name) for name in fiche.IDENTITY_FIELDS}
    fiche.fiche_save_student_part(dossier=dossier, data=STUDENT_PART, company_data=identity, by=by)
    fiche.fiche_save_company_part(dossier=dossier, data=company_part(dossier.pk, dossier), by=by)
    dossier.refresh_from_db()
    return dossier


def cerfa_entered(dossier, *, by=None):
    """The CERFA's data entered with nothing in the way (DOC-7, DOC-9, DOC-10, step 4)."""
    from conventions.cerfa import services as cerfa
    from conventions.fiche.models import FicheContact

    by = by or dossier.student.user
    if not FicheContact.objects.filter(dossier=dossier, company_completed_at__isnull=False).exists():
        fiche_typed(dossier, by=by)
    if dossier.student.birth_date is None:
        Student.objects.filter(pk=dossier.student_id).update(birth_date=datetime.date(2003, 5, 14))
        dossier.student.birth_date = datetime.date(2003, 5, 14)
    company = dossier.company
    student = dossier.student
    # DOC-7: the salarié's boxes (a NIR whose key and birth agree: a woman
    # born in May 2003 in the Gard), kept when a test gave them already.
    student_data = {"sex": student.sex or "F", "birth_place": student.birth_place or "Alès",
                    "birth_department": student.birth_department or "30",
                    "address": student.address or "6 rue Jean-Baptiste Dumas", "postal_code": student.postal_code or "30100",
                    "city": student.city or "Alès", "phone": getattr(student.user, "phone", "") or "06 12 03 45 21"}
    birth = student.birth_date
    nir13 = f"{1 if student_data['sex'] == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}{student_data['birth_department']:0>2}189042"
    cerfa.cerfa_save(
        dossier=dossier,
        student_data=student_data,
        company_data={name: getattr(company, name) for name in ("name", "siret", "address", "postal_code", "city",
                                                                  "naf", "idcc", "opco")},
        contract_data={"contract_type": dossier.contract_type, "start_date": dossier.start_date,
                       "end_date": dossier.end_date},
        data={"job_title": "Ingénieur d'études", "classification": "Position 1.1", "employer_headcount": 40,
              "retirement_fund": "AG2R", "conclusion_date": dossier.start_date - datetime.timedelta(days=10),
              "trial_period_days": 30, "weekly_hours": 35, "gross_monthly_pay": 1900,
              "branch_allows_over_25": True, "branch_agreement_reference": "Accord Syntec",
              "nir": nir13 + stdnum_nir.calc_check_digits(nir13), "situation_before": "etudiant",
              "highest_diploma": "licence", "last_diploma_prepared": "ingenieur", "rqth": False,
              "tutor_qualification": "Ingénieur, 8 ans d'expérience dans le métier"},
        by=by,
    )
    dossier.refresh_from_db()
    return dossier


def convention_ready(dossier):
    """What producing a convention needs beyond the company, the dates and
    the signatory (DOC-3, DOC-9): the student's birth date, the signatory's
    capacity, the CERFA's data with the branch agreement allowing more than
    25 % of training."""
    from conventions.cerfa.models import CerfaData

    if dossier.student.birth_date is None:
        Student.objects.filter(pk=dossier.student_id).update(birth_date=datetime.date(2003, 5, 14))
        dossier.student.birth_date = datetime.date(2003, 5, 14)
    if dossier.signataire is not None and not dossier.signataire.job_title:
        dossier.signataire.job_title = "Présidente"
        dossier.signataire.save(update_fields=["job_title"])
    CerfaData.objects.get_or_create(dossier=dossier, defaults={
        "job_title": "Ingénieur d'études", "employer_headcount": 40, "conclusion_date": dossier.start_date,
        "weekly_hours": Decimal(35), "gross_monthly_pay": Decimal("1900.00"),
        "branch_allows_over_25": True, "branch_agreement_reference": "Accord Syntec"})
    return dossier


def convention_produced(dossier):
    """A version of the convention, as the PDF job attaches it (DOC-3), without WeasyPrint."""
    from conventions.documents.models import DocumentKind
    from conventions.documents.pdf import document_attach

    return document_attach(
        dossier=dossier, kind=DocumentKind.CONVENTION, content=tiny_pdf(500 + dossier.pk % 100),
        name="convention.pdf", generated=True,
    )


def convention_signed(dossier, *, office, parties=("eleve", "entreprise")):
    """The latest convention signed by ``parties`` in the order of DOC-4:
    the student in the portal, the company on paper (recorded by the
    office), the school by the office on the direction's behalf."""
    from conventions.convention import services as convention
    from conventions.models import Signature

    document = convention.convention_latest(dossier) or convention_produced(dossier)
    how = {
        "eleve": (Signature.Method.PORTAL, dossier.student.user, "L'élève"),
        "entreprise": (Signature.Method.PAPER, office, "Anne Salles"),
        "ecole": (Signature.Method.PORTAL, office, "La direction"),
    }
    for party in parties:
        method, by, name = how[party]
        if not document.signatures.filter(party=party).exists():
            convention.convention_sign(document=document, party=party, method=method, signer_name=name, by=by)
    return document


def evidence(dossier, *codes, office):
    """What steps ``codes`` attest, provided through the services (STEP-6):
    the fiche, the CERFA's data, the files, the convention and its
    signatures, the fiche PFE, an incident."""
    from conventions.documents.models import DocumentKind as Kind
    from conventions.dossier.services import incident_report
    from conventions.fiche import services as fiche
    from conventions.fiche.models import FicheContact
    from conventions.models import Incident

    student = dossier.student.user
    codes = set(codes)
    if codes & {"4"}:
        cerfa_entered(dossier)
    elif codes & {"2", "3"} and not FicheContact.objects.filter(dossier=dossier, company_completed_at__isnull=False).exists():
        fiche_typed(dossier)
    kinds = {"3p": Kind.ACCORD_ORIGINE, "4p": Kind.CERFA_SIGNE, "7": Kind.CERFA_SIGNE, "A": Kind.RAPPORT_PE,
             "B": Kind.EVALUATION_TUTEUR, "C": Kind.CARNET, "F": Kind.CARNET}
    for kind in dict.fromkeys(kinds[code] for code in sorted(codes) if code in kinds):
        document = upload(dossier, kind, by=student)
        if kind == Kind.RAPPORT_PE:
            report_parts_ticked(document, by=student)
    if codes & {"6p", "7"}:
        convention_signed(dossier, office=office, parties=("eleve", "entreprise", "ecole"))
    elif codes & {"5p", "6"}:
        convention_signed(dossier, office=office)
    elif "5" in codes:
        convention_produced(dossier)
    if "D" in codes:
        fiche.fiche_save_pfe(dossier=dossier, data=PFE_PART, by=student)
    if "E" in codes:
        incident_report(dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=dossier.start_date, by=student)
    return dossier
