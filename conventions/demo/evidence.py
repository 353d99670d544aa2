"""What the demo's steps attest, provided through the services before the
steps move (STEP-6): fiches contact typed by the students, CERFA data,
signed CERFAs and other files deposited, conventions produced and signed
— by the student in the portal, by the company through its personal link
or on paper recorded by the office, by the direction last — each act
stamped with the day of the story it happened.

A step is handed in only with its evidence, so each dossier gets the
evidence of the steps its story moves (``DEMARCHE``). Each act is done
once: found in the database, it is not done again, so a second run writes
nothing.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from conventions.cerfa.models import CerfaData
from conventions.cerfa.services import cerfa_save
from conventions.convention import services as convention
from conventions.documents.files import document_upload
from conventions.documents.models import Document, DocumentKind, Signature
from conventions.documents.pdf import pdf_build
from conventions.fiche.models import FicheContact
from conventions.fiche.services import (
    IDENTITY_FIELDS,
    fiche_frozen,
    fiche_save_company_part,
    fiche_save_student_part,
)
from conventions.links.models import ExternalLink
from conventions.links.services import link_create, make_token, resolve_link
from conventions.models import DossierStep, StepState
from students.models import Event

from .data import DEMARCHE, FICHES, PAPER_PENDING
from .records import at
from .story import last_event

Kind = DocumentKind
Party, Method = Signature.Party, Signature.Method
# The files the students deposit, by the step they attest (STEP-4).
UPLOADS = {"3p": Kind.ACCORD_ORIGINE, "4p": Kind.CERFA_SIGNE, "C": Kind.CARNET, "A": Kind.RAPPORT_PE,
           "B": Kind.EVALUATION_TUTEUR}
FILE_NAMES = {
    Kind.ACCORD_ORIGINE: "accord-etablissement-origine.pdf", Kind.CERFA_SIGNE: "cerfa-12434-signe.pdf",
    Kind.CARNET: "carnet-de-presence.pdf", Kind.RAPPORT_PE: "rapport-projet-entreprise.pdf",
    Kind.EVALUATION_TUTEUR: "evaluation-tuteur.pdf", Kind.CONVENTION_SIGNEE: "convention-signee-scan.pdf",
}
# The companies whose signatory signs through a personal link; the others send the paper originals.
SIGN_BY_LINK = frozenset({"eleve", "eleve02", "eleve04", "eleve08", "eleve13", "eleve18", "eleve23", "eleve27"})


def scan(label):
    """A one-page PDF standing for a scan (the upload's checks open it, DOC-6)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def beyond_todo(plan, *codes):
    return any(plan.get(code, StepState.TODO) != StepState.TODO for code in codes)


def stamp(dossier, since, moment):
    """The dossier's events recorded after ``since`` happened at ``moment``."""
    Event.objects.filter(dossier=dossier, pk__gt=since or 0).update(at=moment)


def type_fiche(dossier, story, tally):
    """DOC-1, steps 2 and 3: the student types both parts of the fiche,
    naming the company's tutor and signatory the office knows."""
    sheet = FicheContact.objects.filter(dossier=dossier).first()
    if fiche_frozen(dossier) or (sheet is not None and sheet.company_completed_at is not None):
        return
    student = dossier.student.user
    company, tutor, signatory = dossier.company, dossier.tuteur_entreprise, dossier.signataire
    typed = FICHES.get(story.username)
    day = story.handed_in("2") - datetime.timedelta(days=7)
    since = last_event(dossier)
    if sheet is None or sheet.student_completed_at is None:
        fiche_save_student_part(
            dossier=dossier, by=student,
            data={"company_activities": f"Missions d'ingénieur chez {company.name} : étude, conception, "
                                        "mise en œuvre et suivi d'un projet de l'entreprise.",
                  "pfe_project": f"Un projet de fin d'études au cœur de l'activité de {company.name}."},
            company_data={name: getattr(company, name) for name in IDENTITY_FIELDS},
        )
    data = {
        "company_presentation": typed.presentation if typed else f"{company.name}, à {company.city}.",
        "tutor_first_name": tutor.first_name, "tutor_last_name": tutor.last_name, "tutor_job": tutor.job_title,
        "tutor_email": tutor.email, "tutor_phone": tutor.phone, "tutor_experience_years": 8,
    }
    if signatory is not None:
        data.update({"signatory_first_name": signatory.first_name, "signatory_last_name": signatory.last_name,
                     "signatory_job": signatory.job_title, "signatory_email": signatory.email})
    dossier.refresh_from_db()
    saved = fiche_save_company_part(dossier=dossier, data=data, by=student)
    moment = at(day, 18, 30)
    stamp(dossier, since, moment)
    FicheContact.objects.filter(pk=saved.pk).update(
        student_completed_at=saved.student_completed_at if typed else moment, company_completed_at=moment
    )
    tally["updated"] += 1


def enter_cerfa(dossier, story, tally):
    """DOC-7, step 4: the student enters the CERFA's data: the salarié's
    identity (sex, birthplace, address; the NIR with its key), an engineering
    student before the contract holding a licence or a DUT, the tutor's
    qualification, the pay above the legal minimum (DOC-10), the branch
    agreement allowing 480 h (DOC-9)."""
    if CerfaData.objects.filter(dossier=dossier).exists():
        return
    company, student = dossier.company, dossier.student
    user = student.user
    women = {"Léa", "Inès", "Chloé", "Manon", "Sarah", "Giulia", "Emma", "Zoé", "Clara", "Jade", "Lina", "Julie",
             "Camille", "Margaux", "Océane", "Sofia"}
    # (commune, department, INSEE commune number); born abroad: department 99 and the country's code.
    france = (("Nîmes", "30", "189"), ("Montpellier", "34", "172"), ("Alès", "30", "007"), ("Ajaccio", "2A", "004"),
              ("Lyon", "69", "123"), ("Marseille", "13", "055"), ("Toulouse", "31", "555"), ("Bastia", "2B", "033"))
    abroad = {"marocaine": ("Casablanca (Maroc)", "350"), "italienne": ("Turin (Italie)", "127"),
              "brésilienne": ("São Paulo (Brésil)", "508"), "tunisienne": ("Tunis (Tunisie)", "351")}
    if student.nationality in abroad:
        place, commune = abroad[student.nationality]
        department = "99"
    else:
        place, department, commune = france[dossier.pk % len(france)]
    sex = "F" if user.first_name in women else "M"
    born = student.birth_date
    first = f"{'2' if sex == 'F' else '1'}{born.year % 100:02d}{born.month:02d}{department}{commune}{dossier.pk % 997:03d}"
    key = 97 - int(first.replace("2A", "19").replace("2B", "18")) % 97
    identity = {"sex": sex, "birth_place": place, "birth_department": department,
                "address": f"{3 + dossier.pk % 40} rue Jean-Baptiste Dumas", "postal_code": "30100", "city": "Alès",
                "phone": f"06 12 {dossier.pk % 100:02d} 45 {(7 * dossier.pk) % 100:02d}"}
    # The fiche contact may have given the address and the phone already: kept.
    typed = {name: value for name, value in identity.items()
             if not (getattr(user, name) if name == "phone" else getattr(student, name))}
    since = last_event(dossier)
    cerfa_save(
        dossier=dossier, by=user, student_data=typed,
        company_data={name: getattr(company, name) for name in (*IDENTITY_FIELDS, "naf", "idcc", "opco")},
        contract_data={"contract_type": dossier.contract_type, "start_date": dossier.start_date,
                       "end_date": dossier.end_date},
        data={"job_title": "Ingénieur en contrat de professionnalisation", "classification": "Position 1.1",
              "employer_headcount": 45, "retirement_fund": "AG2R La Mondiale",
              "conclusion_date": dossier.start_date - datetime.timedelta(days=14), "trial_period_days": 30,
              "weekly_hours": Decimal(35), "gross_monthly_pay": Decimal("2100.00"), "branch_allows_over_25": True,
              "branch_agreement_reference": f"Accord de branche de l'IDCC {company.idcc}",
              "nir": f"{first}{key:02d}", "situation_before": "etudiant", "rqth": False,
              "highest_diploma": "dut" if dossier.pk % 4 == 0 else "licence", "last_diploma_prepared": "ingenieur",
              "last_diploma_title": "Diplôme d'ingénieur de l'École nationale supérieure des mines d'Alès",
              "tutor_qualification": "Diplôme d'ingénieur, 8 ans d'expérience dans le métier",
              "benefit_meal": Decimal("5.45") if dossier.pk % 3 == 0 else None},
    )
    stamp(dossier, since, at(story.handed_in("4") - datetime.timedelta(days=1), 17, 45))
    tally["created"] += 1


def deposit(dossier, story, code, tally):
    """DOC-6, STEP-4: the student deposits the file of step ``code``."""
    deposit_file(dossier, UPLOADS[code], code, at(story.handed_in(code), 8, 5), tally)


def deposit_file(dossier, kind, code, moment, tally):
    """The student deposits a file of ``kind`` for step ``code`` at ``moment``, once."""
    if Document.objects.filter(dossier=dossier, kind=kind).exists():
        return
    since = last_event(dossier)
    document = document_upload(
        dossier=dossier, kind=kind, step=code, by=dossier.student.user,
        uploaded_file=SimpleUploadedFile(FILE_NAMES[kind], scan(str(kind.label)), content_type="application/pdf"),
    )
    stamp(dossier, since, moment)
    Document.objects.filter(pk=document.pk).update(created_at=moment)
    tally["created"] += 1


def produce_convention(dossier, story, office, tally):
    """DOC-3: the office produces the convention; the PDF job runs here,
    as the worker would (NOTIF-2)."""
    document = convention.convention_latest(dossier)
    if document is not None:
        return document
    since = last_event(dossier)
    job = convention.convention_request(dossier=dossier, by=office)
    pdf_build(job.pk)
    document = convention.convention_latest(dossier)
    moment = at(story.handed_in("5") - datetime.timedelta(days=3), 10, 15)
    stamp(dossier, since, moment)
    Document.objects.filter(pk=document.pk).update(created_at=moment)
    job.__class__.objects.filter(pk=job.pk).update(requested_at=moment, finished_at=moment)
    tally["created"] += 1
    return document


def sign(dossier, document, party, moment, tally, **how):
    """DOC-4: one party signs the version in force, stamped ``moment``."""
    if document.signatures.filter(party=party).exists():
        return
    since = last_event(dossier)
    signature = convention.convention_sign(document=document, party=party, **how)
    stamp(dossier, since, moment)
    Signature.objects.filter(pk=signature.pk).update(at=moment)
    if party == Party.SCHOOL:  # the school's signature validated step 6 (DOC-4)
        DossierStep.objects.filter(dossier=dossier, code="6", state=StepState.VALIDATED).update(updated_at=moment)
    tally["created"] += 1


def sign_convention(dossier, story, document, users, tally, *, school):
    """DOC-4: the student first in the portal, the company by its personal
    link or on paper recorded by the office, the direction last."""
    office, day = users["bureau"], story.handed_in("5")
    sign(dossier, document, Party.STUDENT, at(day, 9, 30), tally, method=Method.PORTAL,
         signer_name=dossier.student.full_name, by=dossier.student.user)
    signatory = dossier.signataire
    if story.username in PAPER_PENDING:
        # DOC-5: the company signed on paper, the student deposits the scan;
        # recording the company's signature is the office's, still to do.
        deposit_file(dossier, Kind.CONVENTION_SIGNEE, "5p", at(story.handed_in("5p"), 18, 10), tally)
        return
    if story.username in SIGN_BY_LINK and not document.signatures.filter(party=Party.COMPANY).exists():
        since = last_event(dossier)
        link = link_create(dossier=dossier, contact=signatory, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
        link = resolve_link(None, make_token(link), ExternalLink.Purpose.SIGN_CONVENTION, action="signature")
        stamp(dossier, since, at(day, 11, 0))
        tally["created"] += 1
        sign(dossier, document, Party.COMPANY, at(day + datetime.timedelta(days=1), 14, 20), tally,
             method=Method.LINK, signer_name=signatory.full_name, link=link)
    else:
        sign(dossier, document, Party.COMPANY, at(story.handed_in("5p"), 10, 40), tally,
             method=Method.PAPER, signer_name=signatory.full_name, by=office)
    if school:
        # The direction signs last; its signature validates step 6 (DOC-4, STEP-6).
        sign(dossier, document, Party.SCHOOL, story.moment("6", "validate"), tally, method=Method.PORTAL,
             signer_name=users["direction"].get_full_name(), by=users["direction"])


def provide_evidence(dossier, story, users, tally):
    """Everything the steps of ``dossier`` will attest once moved (STEP-6)."""
    plan = DEMARCHE[story.username]
    if beyond_todo(plan, "2", "3"):
        type_fiche(dossier, story, tally)
    if beyond_todo(plan, "4"):
        enter_cerfa(dossier, story, tally)
    for code in UPLOADS:
        if beyond_todo(plan, code) or (code == "4p" and beyond_todo(plan, "7")):
            deposit(dossier, story, code, tally)
    if beyond_todo(plan, "5", "5p", "6", "6p", "7"):
        document = produce_convention(dossier, story, users["bureau"], tally)
        if beyond_todo(plan, "5p", "6", "6p", "7") or plan.get("5") == StepState.VALIDATED:
            sign_convention(dossier, story, document, users, tally, school=beyond_todo(plan, "6", "6p", "7"))
