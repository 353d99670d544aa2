"""The CERFA 12434 of the contract (DOC-7, DOC-9, DOC-10; steps 4 and 4').

The portal captures the contract's key data (``CerfaData``, the dossier's
contract fields, the company's SIRET, NAF, IDCC and OPCO), checks them and
produces the pre-filled form:

- when the office has uploaded the official fillable PDF, that PDF is
  filled through a field mapping;
- else a PDF laid out by the CERFA's own frames (``pdf/cerfa.html``).

Both read the same values, ``cerfa_values(dossier)``: a dict whose keys
(``keys.VALUES``) are the vocabulary of the mapping.

The salarié's boxes are checked as the form's notice asks (``notice``:
the NIR's shape and key, a job-seeker's France Travail registration, an
avenant's number) and the CERFA is not produced while one is empty; the
pay follows the law (``pay``, DOC-10). The official model and its mapping
are data the office edits (``official``). The layout fallback is titled as
a working document to be copied onto the official form, never mistaken for
it.

The signed copy (step 4') is uploaded on the documents panel
(``DocumentKind.CERFA_SIGNE``); its key data stay in ``CerfaData``.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.documents.evidence import document_link
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.dossier.models import Dossier
from conventions.dossier.steps import HAND_IN
from conventions.fiche import services as fiche
from conventions.fiche.models import FicheContact
from students import programme
from students.history import event_record
from students.models import Student
from students.services import eligibility_verdicts_refresh

from . import notice
from .models import CerfaData, ContractKind
from .official import official_fill, official_model
from .pay import euros, job_seeker_problem, number, pay_problem

logger = logging.getLogger(__name__)

# The form's identity, printed once on the layout fallback (DOC-7). DOMAIN
# §3: notices revised 17/01/2025; the version is to be checked.
CERFA_FORM_VERSION = "12434*03"
# DOC-9, DOMAIN §4 (L6325-13, -14): training share of the contract.
TRAINING_MIN_HOURS = 150
TRAINING_MIN_SHARE = Decimal(15)
TRAINING_MAX_SHARE = Decimal(25)

# CDD of more than 6 months: one month of trial at most (L1242-10).
CDD_MAX_TRIAL_DAYS = 31
# DOMAIN §4 (D6325-9): the company tutor has 2 years of experience at least.
TUTOR_MIN_YEARS = 2



# --- DOC-9: training share --------------------------------------------------

@dataclass(frozen=True)
class TrainingShare:
    hours: int
    contract_hours: Decimal
    percent: Decimal


def training_share(dossier, weekly_hours):
    """DOC-9: the school's hours (480, CAL-2) against the hours the contract
    (or its action de professionnalisation) lasts at ``weekly_hours``."""
    hours = programme.track_for(dossier.student.department).training_hours
    days = (dossier.end_date - dossier.start_date).days + 1
    contract_hours = (Decimal(weekly_hours) * days / 7).quantize(Decimal(1), ROUND_HALF_UP)
    percent = (Decimal(hours) * 100 / contract_hours).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return TrainingShare(hours, contract_hours, percent)


def training_problems(dossier, cerfa):
    """DOC-9: at least 150 h and 15 to 25 % of the contract; above 25 % only
    if the branch agreement allows it. French refusals, or []."""
    if not (dossier.start_date and dossier.end_date and cerfa.weekly_hours):
        return []
    share = training_share(dossier, cerfa.weekly_hours)
    values = {"hours": share.hours, "total": number(share.contract_hours), "percent": number(share.percent)}
    problems = []
    if share.hours < TRAINING_MIN_HOURS:
        problems.append(_("La formation compte %(hours)s h : 150 h au moins.") % values)
    if share.percent < TRAINING_MIN_SHARE:
        problems.append(_("La formation représente %(percent)s %% du contrat : 15 %% au moins.") % values)
    if share.percent > TRAINING_MAX_SHARE and not cerfa.branch_allows_over_25:
        problems.append(training_warning(share))
    return problems


def training_warning(share):
    return _(
        "La formation représente %(percent)s %% du contrat (%(hours)s h sur %(total)s h) : au-delà de 25 %%, "
        "l'accord de branche doit l'autoriser. Cochez « accord de branche autorisant plus de 25 %% de formation » "
        "et indiquez sa référence."
    ) % {"hours": share.hours, "total": number(share.contract_hours), "percent": number(share.percent)}


# --- Capture ----------------------------------------------------------------

_READ = object()  # "read it from the database"


def cerfa_of(dossier):
    return CerfaData.objects.filter(dossier=dossier).first()


def _check_editor(by, dossier):
    """The student and the office fill the CERFA's data (STEP-1, step 4)."""
    if not roles.can_edit_dossier_papers(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro remplissent les données du CERFA."))


STUDENT_FIELDS = ("sex", "birth_place", "birth_department", "address", "postal_code", "city")


def _student_identity(student, student_data):
    """The salarié's identity typed on the CERFA's page (DOC-7) onto the
    student and their account (the phone); checked by the model's validators."""
    for name in STUDENT_FIELDS:
        if name in student_data:
            setattr(student, name, student_data[name])
    if "phone" in student_data:
        student.user.phone = student_data["phone"]
    student.full_clean(exclude=[f.name for f in Student._meta.fields if f.name not in STUDENT_FIELDS])


def _notice_errors(dossier, cerfa):
    """DOC-7: the checks of the CERFA's notice over the salarié's and the
    contract's data, ``{field: French message}``."""
    errors = {}
    student = dossier.student
    if cerfa.nir:
        problem = notice.nir_problem(cerfa.nir)
        disagreements = [] if problem else notice.nir_disagreements(
            cerfa.nir, sex=student.sex, birth_date=student.birth_date, birth_department=student.birth_department
        )
        if problem or disagreements:
            errors["nir"] = " ".join([problem] if problem else disagreements)
    errors.update(notice.france_travail_problems(
        situation=cerfa.situation_before, job_seeker=cerfa.job_seeker, france_travail_id=cerfa.france_travail_id,
        months=cerfa.france_travail_months,
    ))
    problem = notice.avenant_problem(cerfa.contract_kind, cerfa.avenant_number)
    if problem:
        errors["avenant_number"] = problem
    return errors


@transaction.atomic
def cerfa_save(*, dossier, company_data, contract_data, data, by, student_data=None):
    """DOC-7, step 4: the employer (SIRET, NAF, IDCC, OPCO), the contract's
    type and dates, the salarié's identity (``student_data``: sex, birth
    place, postal address, phone) and the CERFA's data, checked together:
    the NIR's shape and key and its agreement with the identity, a
    job-seeker's France Travail registration, an avenant's number (the
    form's notice); a pay below the legal minimum is refused with the
    minimum (DOC-10)."""
    _check_editor(by, dossier)
    dossier = Dossier.objects.select_for_update().select_related("student", "year").get(pk=dossier.pk)
    values = {name: company_data[name] for name in (*fiche.IDENTITY_FIELDS, "naf", "idcc", "opco")}
    if dossier.company_id is not None and fiche.fiche_frozen(dossier) and values["siret"] != dossier.company.siret:
        raise ValidationError({"siret": _(
            "La fiche contact est validée (étape 2) : l'employeur ne change plus ici. "
            "Écrivez au service Contrats pro s'il a changé."
        )})
    # DOC-12: the employer's data change in place only when no other dossier
    # uses it (or the office types them); else they are proposed to the office.
    fiche.attach_company(dossier=dossier, values=values, by=by)
    for name in ("contract_type", "start_date", "end_date"):
        setattr(dossier, name, contract_data[name])
    dossier.full_clean()
    dossier.save(update_fields=["contract_type", "start_date", "end_date", "updated_at"])
    # ELIG-6 reads the contract's end: the stored eligibility verdict follows it.
    eligibility_verdicts_refresh(Student.objects.filter(pk=dossier.student_id))
    if student_data is not None:
        _student_identity(dossier.student, student_data)
    cerfa = cerfa_of(dossier) or CerfaData(dossier=dossier)
    for name, value in data.items():
        setattr(cerfa, name, value)
    cerfa.nir = notice.nir_clean(cerfa.nir)
    cerfa.france_travail_id = cerfa.france_travail_id.strip().upper()
    if cerfa.contract_kind != ContractKind.AVENANT:
        cerfa.avenant_number = ""
    # The notice's checks name their field; the constraints behind them
    # (an avenant's number) are checked after, for what they add.
    cerfa.full_clean(validate_constraints=False)
    errors = _notice_errors(dossier, cerfa)
    problem = pay_problem(
        dossier=dossier, weekly_hours=cerfa.weekly_hours, gross_monthly_pay=cerfa.gross_monthly_pay,
        branch_minimum=cerfa.branch_minimum_monthly,
    )
    if problem:
        errors["gross_monthly_pay"] = problem
    problem = job_seeker_problem(dossier, cerfa.job_seeker)
    if problem:
        errors["job_seeker"] = problem
    if cerfa.branch_allows_over_25 and not cerfa.branch_agreement_reference.strip():
        errors["branch_agreement_reference"] = _("Indiquez la référence de l'accord de branche.")
    if dossier.contract_type == Dossier.ContractType.CDD and cerfa.trial_period_days > CDD_MAX_TRIAL_DAYS:
        errors["trial_period_days"] = _(
            "Un CDD de plus de 6 mois a une période d'essai d'un mois au plus (Code du travail, L1242-10)."
        )
    if errors:
        raise ValidationError(errors)
    cerfa.validate_constraints()
    cerfa.save()
    if student_data is not None:
        changed = [name for name in STUDENT_FIELDS if name in student_data]
        if changed:
            dossier.student.save(update_fields=changed)
        if "phone" in student_data:
            dossier.student.user.save(update_fields=["phone"])
    event_record(
        dossier=dossier, actor=by, verb="conventions.cerfa.save", step="4",
        summary=_("CERFA 12434 : données du contrat enregistrées (salaire %(pay)s, %(hours)s h par semaine).")
        % {"pay": euros(cerfa.gross_monthly_pay), "hours": number(cerfa.weekly_hours)},
    )
    return cerfa


def cerfa_problems(dossier, *, cerfa=_READ, sheet=_READ):
    """Everything that keeps the CERFA from being produced, in French (DOC-7,
    DOC-9, DOC-10); [] when it may be. A page that already read the
    dossier's CERFA data and fiche passes them (None when absent); a
    service lets them be read fresh."""
    fresh = cerfa is _READ
    if fresh:
        cerfa = cerfa_of(dossier)
    company = dossier.company
    problems = []
    if company is None:
        return [_("Indiquez d'abord l'entreprise dans la fiche contact.")]
    missing = [label for name, label in (("naf", "NAF"), ("idcc", "IDCC"), ("opco", "OPCO")) if not getattr(company, name)]
    if missing:
        problems.append(_("Employeur : indiquez %(what)s.") % {"what": ", ".join(missing)})
    if not (dossier.contract_type and dossier.start_date and dossier.end_date):
        problems.append(_("Contrat : indiquez son type et ses dates."))
    if cerfa is None:
        problems.append(_("Remplissez les données du contrat : emploi, durée hebdomadaire, salaire."))
        return problems
    if dossier.tuteur_entreprise_id is None:
        problems.append(_("Tuteur entreprise : complétez la partie entreprise de la fiche contact."))
    if sheet is _READ:
        sheet = FicheContact.objects.filter(dossier=dossier).first()
    experience = sheet.tutor_experience_years if sheet is not None else None
    if experience is not None and experience < TUTOR_MIN_YEARS:
        problems.append(_(
            "Le tuteur entreprise doit justifier de 2 ans d'expérience au moins (Code du travail, D6325-9) : "
            "l'entreprise désigne un autre tuteur ou corrige la fiche contact."
        ))
    if dossier.student.birth_date is None:
        problems.append(_(
            "La date de naissance de l'élève manque : le service Contrats pro la renseigne (import de la "
            "scolarité ou administration) pour vérifier le salaire minimum."
        ))
    problem = pay_problem(
        dossier=dossier, weekly_hours=cerfa.weekly_hours, gross_monthly_pay=cerfa.gross_monthly_pay,
        branch_minimum=cerfa.branch_minimum_monthly,
    )
    if problem:
        problems.append(problem)
    problem = job_seeker_problem(dossier, cerfa.job_seeker)
    if problem:
        problems.append(problem)
    problems.extend(training_problems(dossier, cerfa))
    # DOC-7, STEP-6: no box of the salarié or the tutor left empty (a page
    # passes the student it joined; a service reads the saved one).
    student = Student.objects.get(pk=dossier.student_id) if fresh else dossier.student
    gaps = notice.cerfa_gaps(student, cerfa)
    if gaps:
        problems.append(gaps_message(gaps))
    return problems


# --- Values: one source for the fallback layout and the official mapping ---



def school(start_year=None):
    """The training organisation as the CERFA names it (DOC-11): the school's
    identity for the academic start year (the latest record without one)."""
    from contratpro.school.services import school_for_year, school_latest

    identity = school_for_year(start_year) if start_year is not None else school_latest()
    if identity is None:
        return {"name": "", "siret": "", "nda": "", "address": ""}
    name = " – ".join(part for part in (identity.name, identity.legal_name) if part)
    return {"name": name, "siret": identity.siret, "nda": identity.nda, "address": ", ".join(identity.address_lines())}


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def training_dates(dossier):
    """DOC-7: the training's start (the rentrée, or a later contract start)
    and the expected end of its exams (the year's contract end, or an
    earlier contract end), as ``{"start", "end"}``."""
    year = dossier.year
    return {
        "start": max(filter(None, (year.rentree, dossier.start_date)), default=None),
        "end": min(filter(None, (year.contract_end, dossier.end_date)), default=None),
    }


def _money(value):
    return euros(value) if value is not None else ""


def _lines(text):
    return ", ".join(line.strip() for line in (text or "").splitlines() if line.strip())


def cerfa_values(dossier):
    """The CERFA's values by key (``keys.VALUES``): text, booleans for check
    boxes. The NIR is in full: these values fill the CERFA only."""
    cerfa = cerfa_of(dossier) or CerfaData(dossier=dossier)
    company, student, user = dossier.company, dossier.student, dossier.student.user
    tutor, signatory = dossier.tuteur_entreprise, dossier.signataire
    sheet = FicheContact.objects.filter(dossier=dossier).first()
    organisation = school(dossier.year.start_year)
    training = training_dates(dossier)
    kind = cerfa.contract_kind
    return {
        "employeur_denomination": company.name if company else "",
        "employeur_siret": company.siret if company else "",
        "employeur_naf": company.naf if company else "",
        "employeur_idcc": company.idcc if company else "",
        "employeur_opco": company.opco if company else "",
        "employeur_effectif": str(cerfa.employer_headcount or ""),
        "employeur_adresse": company.address if company else "",
        "employeur_code_postal": company.postal_code if company else "",
        "employeur_commune": company.city if company else "",
        "employeur_retraite": cerfa.retirement_fund,
        "employeur_signataire": (
            f"{signatory.full_name}, {signatory.job_title}" if signatory and signatory.job_title
            else (signatory.full_name if signatory else "")
        ),
        "salarie_nom": user.last_name.upper(),
        "salarie_prenom": user.first_name,
        "salarie_naissance": _date(student.birth_date),
        "salarie_nationalite": student.nationality,
        "salarie_email": user.email,
        "salarie_telephone": getattr(user, "phone", ""),
        "salarie_sexe": student.sex,
        "salarie_sexe_f": student.sex == "F",
        "salarie_sexe_m": student.sex == "M",
        "salarie_commune_naissance": student.birth_place,
        "salarie_departement_naissance": student.birth_department,
        "salarie_adresse": _lines(student.address),
        "salarie_code_postal": student.postal_code,
        "salarie_commune": student.city,
        "salarie_nir": notice.nir_spaced(cerfa.nir),
        "salarie_situation": cerfa.get_situation_before_display() if cerfa.situation_before else "",
        "salarie_demandeur_emploi_oui": cerfa.job_seeker is True,
        "salarie_demandeur_emploi_non": cerfa.job_seeker is False,
        "salarie_france_travail_id": cerfa.france_travail_id,
        "salarie_france_travail_duree": "" if cerfa.france_travail_months is None else str(cerfa.france_travail_months),
        "salarie_rqth_oui": cerfa.rqth is True,
        "salarie_rqth_non": cerfa.rqth is False,
        "salarie_diplome_obtenu": cerfa.get_highest_diploma_display() if cerfa.highest_diploma else "",
        "salarie_diplome_prepare": cerfa.get_last_diploma_prepared_display() if cerfa.last_diploma_prepared else "",
        "salarie_diplome_prepare_intitule": cerfa.last_diploma_title,
        "tuteur_nom": tutor.last_name.upper() if tutor else "",
        "tuteur_prenom": tutor.first_name if tutor else "",
        "tuteur_emploi": tutor.job_title if tutor else "",
        "tuteur_qualification": cerfa.tutor_qualification,
        "tuteur_experience": str(sheet.tutor_experience_years) if sheet and sheet.tutor_experience_years is not None else "",
        "tuteur_email": tutor.email if tutor else "",
        "tuteur_telephone": tutor.phone if tutor else "",
        "contrat_type": dossier.get_contract_type_display() if dossier.contract_type else "",
        "contrat_nature": cerfa.get_contract_kind_display(),
        "contrat_initial": kind == ContractKind.INITIAL,
        "contrat_nouveau_echec": kind == ContractKind.AFTER_FAILURE,
        "contrat_nouveau_maladie": kind == ContractKind.AFTER_ILLNESS,
        "contrat_nouveau_defaillance": kind == ContractKind.AFTER_DEFAULT,
        "contrat_avenant": kind == ContractKind.AVENANT,
        "contrat_avenant_numero": cerfa.avenant_number,
        "contrat_cdd": dossier.contract_type == Dossier.ContractType.CDD,
        "contrat_cdi": dossier.contract_type == Dossier.ContractType.CDI,
        "contrat_emploi": cerfa.job_title,
        "contrat_classification": cerfa.classification,
        "contrat_conclusion": _date(cerfa.conclusion_date),
        "contrat_debut": _date(dossier.start_date),
        "contrat_fin": _date(dossier.end_date),
        "contrat_essai": str(cerfa.trial_period_days) if cerfa.pk else "",
        "contrat_duree_hebdo": number(cerfa.weekly_hours) if cerfa.weekly_hours else "",
        "contrat_salaire": euros(cerfa.gross_monthly_pay) if cerfa.gross_monthly_pay else "",
        "contrat_salaire_minimum_branche": _money(cerfa.branch_minimum_monthly),
        "contrat_avantage_nourriture": _money(cerfa.benefit_meal),
        "contrat_avantage_logement": _money(cerfa.benefit_housing),
        "contrat_avantage_autre": cerfa.benefit_other,
        "contrat_accord_branche": cerfa.branch_agreement_reference if cerfa.branch_allows_over_25 else "",
        "formation_organisme": organisation["name"],
        "formation_siret": organisation["siret"],
        "formation_nda": organisation["nda"],
        "formation_adresse": organisation["address"],
        "formation_diplome": f"{programme.DIPLOMA_TITLE}, {programme.DIPLOMA_GRADE}",
        "formation_rncp": programme.RNCP_CODE,
        "formation_heures": str(programme.track_for(student.department).training_hours),
        "formation_debut": _date(training["start"]),
        "formation_fin": _date(training["end"]),
    }


def cerfa_pdf(dossier):
    """DOC-7: the official fillable form filled through its mapping when the
    office uploaded one, else the CERFA's frames laid out by the portal,
    titled as a working document to copy onto the official form."""
    model = official_model()
    if model is not None:
        return official_fill(model, cerfa_values(dossier))
    cerfa = cerfa_of(dossier)
    share = training_share(dossier, cerfa.weekly_hours) if cerfa and dossier.start_date and dossier.end_date else None
    return "pdf/cerfa.html", {
        "v": cerfa_values(dossier), "dossier": dossier, "cerfa": cerfa, "share": share,
        "printed_at": timezone.localtime(), "form_version": CERFA_FORM_VERSION, "training": training_dates(dossier),
    }


# --- Production -------------------------------------------------------------

def gaps_message(gaps):
    return _("Avant de produire le CERFA, complétez sur la page du CERFA : %(boxes)s.") % {"boxes": ", ".join(gaps)}


def cerfa_request(*, dossier, by):
    """DOC-7, step 4: produce the pre-filled CERFA in the background, once
    nothing in ``cerfa_problems`` stands in the way (DOC-9, DOC-10, and no
    box of the salarié or the tutor empty): the official model filled
    when the office uploaded one, else the portal's layout. Returns the
    ``PdfJob``."""
    _check_editor(by, dossier)
    problems = cerfa_problems(dossier)
    if problems:
        raise ValidationError(problems)
    return pdf_request(dossier=dossier, kind=DocumentKind.CERFA, by=by)


# --- What step 4 attests (STEP-6) -------------------------------------------

def cerfa_problems_read(dossier):
    """``cerfa_problems`` over the rows the dossier page joined (its CERFA
    data and fiche contact): no query of its own there."""
    return cerfa_problems(
        dossier, cerfa=getattr(dossier, "cerfa", None), sheet=getattr(dossier, "fiche_contact", None)
    )


def cerfa_ready(evidence):
    """STEP-6, step 4: a company attached and the CERFA's data entered with
    nothing that keeps the form from being produced."""
    problems = evidence.cerfa_problems
    if problems:
        return _("Le CERFA ne peut pas encore être établi : %(problems)s Complétez la fiche contact et les données du CERFA.") % {
            "problems": " ".join(str(p) for p in problems)
        }
    return None


def _cerfa_links(evidence, user):
    return [document_link(evidence.documents.get(DocumentKind.CERFA), _("CERFA pré-rempli"))]


STEP_FACTS = {"cerfa_problems": cerfa_problems_read}
STEP_CHECKS = (("4", HAND_IN, cerfa_ready),)
STEP_LINKS = {"4": _cerfa_links}
