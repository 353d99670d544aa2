"""The CERFA 12434 of the contract (DOC-7, DOC-9, DOC-10; steps 4 and 4').

The portal captures the contract's key data (``CerfaData``, the dossier's
contract fields, the company's SIRET, NAF, IDCC and OPCO), checks them and
produces the pre-filled form:

- when the office has uploaded the official fillable PDF, that PDF is
  filled through a field mapping;
- else a PDF laid out by the CERFA's own frames (``pdf/cerfa.html``).

Both read the same values, ``cerfa_values(dossier)``: a dict whose keys
(``VALUES``) are the vocabulary of the mapping.

The official model and its mapping (a simple, documented scheme). In
private storage (DOC-6, outside any public URL):

- ``cerfa/modeles/<date>-<sha>.pdf``: every blank model uploaded, never
  overwritten;
- ``cerfa/modele.json``: the one in force, ``{"file", "sha256",
  "uploaded_at", "uploaded_by", "fields": {PDF field: type}, "mapping":
  {PDF field: value key}}``. The office edits the mapping on the model's
  page (one choice per PDF field); a PDF field named like a value key
  (``employeur_siret``) is mapped to it on upload, and a new model keeps
  the mapping of the fields it shares with the previous one.

The signed copy (step 4') is uploaded on the documents panel
(``DocumentKind.CERFA_SIGNE``); its key data stay in ``CerfaData``.
"""

import datetime
import io
import json
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.frenchdates import long_date
from conventions.documents.evidence import document_link
from conventions.documents.files import check_upload
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind, private_storage
from conventions.dossier.models import Dossier
from conventions.dossier.steps import HAND_IN
from conventions.fiche import services as fiche
from conventions.fiche.models import FicheContact
from students import programme
from students.history import event_record
from students.models import SmicRate, Student
from students.services import eligibility_verdicts_refresh

from .models import CerfaData

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
LEGAL_WEEK = Decimal(35)

# DOC-10, DOMAIN §4 (D6325-15, -16, -18): minimum pay in % of the SMIC by
# age: (age limit, %, % for holders of at least a bac pro level). Every
# higher-education student counts at that level, so the portal reads the
# third column: 65 % under 21, 80 % from 21 to 25, the SMIC from 26.
PAY_BRACKETS = (
    (21, 55, 65, gettext_lazy("moins de 21 ans")),
    (26, 70, 80, gettext_lazy("21 à 25 ans")),
    (None, 100, 100, gettext_lazy("26 ans ou plus")),
)

# DOC-9, DOMAIN §4 (L6325-13, -14): training share of the contract.
TRAINING_MIN_HOURS = 150
TRAINING_MIN_SHARE = Decimal(15)
TRAINING_MAX_SHARE = Decimal(25)

# CDD of more than 6 months: one month of trial at most (L1242-10).
CDD_MAX_TRIAL_DAYS = 31
# DOMAIN §4 (D6325-9): the company tutor has 2 years of experience at least.
TUTOR_MIN_YEARS = 2

MODEL_POINTER = "cerfa/modele.json"
MODEL_DIR = "cerfa/modeles"


def _grouped(whole):
    """"1441" → "1 441" (French digit grouping)."""
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return " ".join(groups) or "0"


def euros(amount):
    """1171.17 → "1 171,17 €"."""
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    return f"{_grouped(whole)},{cents} €"


def number(value):
    """Decimal("35.00") → "35", Decimal("17.50") → "17,5", 1825 → "1 825"."""
    whole, _dot, decimals = f"{Decimal(value).normalize():f}".partition(".")
    return _grouped(whole) + (f",{decimals}" if decimals else "")


# --- DOC-10: minimum pay ----------------------------------------------------

def _anniversary(birth_date, year):
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, 2, 28)


def pay_age(birth_date, on):
    """The age that sets the pay bracket on ``on``: a birthday counts from the
    1st day of the month after it (DOMAIN §4)."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    birthday = _anniversary(birth_date, birth_date.year + age)
    counts_from = (birthday.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return age - 1 if on < counts_from else age


def bracket_change(birth_date, age):
    """The day the bracket of ``age`` starts: the 1st of the month after
    that birthday (DOMAIN §4)."""
    birthday = _anniversary(birth_date, birth_date.year + age)
    return (birthday.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def real_age(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


# DOMAIN §4: from 26, at least 85 % of the branch's conventional minimum.
BRANCH_SHARE = 85
JOB_SEEKER_AGE = 26


@dataclass(frozen=True)
class PayMinimum:
    amount: Decimal
    percent: int
    bracket: str
    weekly_hours: Decimal
    smic_monthly: Decimal
    start: datetime.date
    age: int = 0
    branch_amount: Decimal | None = None  # 85 % of the branch minimum, when it is above the SMIC's share


def _prorated(amount, percent, weekly_hours):
    return (Decimal(amount) * percent * Decimal(weekly_hours) / (100 * LEGAL_WEEK)).quantize(CENT, ROUND_HALF_UP)


def pay_minimum(*, birth_date, start, weekly_hours, smic_monthly, branch_minimum=None):
    """DOC-10: the legal minimum gross monthly pay on ``start``, a % of the
    SMIC (35 h) prorated to the weekly hours; from 26, the greater of the
    SMIC and 85 % of the branch minimum (as entered for the job)."""
    age = pay_age(birth_date, start)
    for limit, _percent, percent, label in PAY_BRACKETS:
        if limit is None or age < limit:
            break
    amount = _prorated(smic_monthly, percent, weekly_hours)
    branch_amount = None
    if limit is None and branch_minimum:
        share = (Decimal(branch_minimum) * BRANCH_SHARE / 100).quantize(CENT, ROUND_HALF_UP)
        if share > amount:
            amount = branch_amount = share
    return PayMinimum(amount, percent, str(label), Decimal(weekly_hours), Decimal(smic_monthly), start, age, branch_amount)


def pay_minima(*, birth_date, start, end, weekly_hours, branch_minimum=None, rates=None):
    """DOC-10: the minimum over the whole contract: one ``PayMinimum`` from
    the start, then one per change (a bracket from the 1st of the month
    after the 21st or 26th birthday, a dated SMIC revaluation), in order."""
    if rates is None:
        rates = list(SmicRate.objects.order_by("valid_from"))
    end = end or start
    days = {start}
    days.update(rate.valid_from for rate in rates if start < rate.valid_from <= end)
    days.update(day for day in (bracket_change(birth_date, 21), bracket_change(birth_date, 26)) if start < day <= end)
    minima = []
    for day in sorted(days):
        in_force = [rate for rate in rates if rate.valid_from <= day] or rates[:1]
        smic = in_force[-1].monthly_35h if in_force else Decimal(0)
        minimum = pay_minimum(
            birth_date=birth_date, start=day, weekly_hours=weekly_hours, smic_monthly=smic, branch_minimum=branch_minimum
        )
        if not minima or minimum.amount != minima[-1].amount:
            minima.append(minimum)
    return minima


def dossier_pay_minima(dossier, weekly_hours, branch_minimum=None):
    """DOC-10: ``pay_minima`` of the dossier's contract, [] while its
    birth date or start date is unknown."""
    birth_date = dossier.student.birth_date
    if not (birth_date and dossier.start_date and weekly_hours):
        return []
    # One read of the SMIC's dated values per dossier object: a page that
    # checks the pay more than once costs one query, not one per check.
    rates = getattr(dossier, "_smic_rates", None)
    if rates is None:
        rates = dossier._smic_rates = list(SmicRate.objects.order_by("valid_from"))
    return pay_minima(
        birth_date=birth_date, start=dossier.start_date, end=dossier.end_date, weekly_hours=weekly_hours,
        branch_minimum=branch_minimum, rates=rates,
    )


def pay_change_text(previous, minimum):
    """« À partir du 1er décembre 2026 (21 ans), le minimum passe à 1 458,42 €. »"""
    if minimum.age != previous.age:
        why = _("%(age)s ans") % {"age": minimum.age}
    else:
        why = _("SMIC revalorisé à %(smic)s") % {"smic": euros(minimum.smic_monthly)}
    return _("À partir du %(day)s (%(why)s), le minimum passe à %(amount)s.") % {
        "day": long_date(minimum.start), "why": why, "amount": euros(minimum.amount),
    }


def pay_changes(minima):
    """DOC-10: each change of the minimum during the contract, in French."""
    return [pay_change_text(previous, minimum) for previous, minimum in zip(minima, minima[1:])]


def _basis(minimum):
    if minimum.branch_amount is not None:
        return _("%(share)s %% du minimum conventionnel, au-dessus du SMIC de %(smic)s") % {
            "share": BRANCH_SHARE, "smic": euros(minimum.smic_monthly),
        }
    return _("%(percent)s %% du SMIC de %(smic)s") % {"percent": minimum.percent, "smic": euros(minimum.smic_monthly)}


def pay_problem(*, dossier, weekly_hours, gross_monthly_pay, branch_minimum=None):
    """DOC-10: the French refusal when the pay is below the minimum at any
    time of the contract (with the figure and, after the start, the date
    it applies from), else None (None too while the birth date or the
    start date is unknown)."""
    minima = dossier_pay_minima(dossier, weekly_hours, branch_minimum)
    pay = Decimal(gross_monthly_pay)
    for index, minimum in enumerate(minima):
        if pay >= minimum.amount:
            continue
        values = {
            "minimum": euros(minimum.amount), "hours": number(minimum.weekly_hours), "basis": _basis(minimum),
            "bracket": minimum.bracket, "start": long_date(minimum.start),
        }
        if index == 0:
            return _(
                "Salaire inférieur au minimum légal : %(minimum)s brut par mois au moins pour %(hours)s h par semaine "
                "(%(basis)s, élève de %(bracket)s au début du contrat le %(start)s)."
            ) % values
        return _(
            "Salaire inférieur au minimum légal en cours de contrat : %(change)s Le salaire doit être d'au moins "
            "%(minimum)s brut par mois pour %(hours)s h par semaine (%(basis)s, élève de %(bracket)s)."
        ) % {**values, "change": pay_change_text(minima[index - 1], minimum)}
    return None


def job_seeker_problem(dossier, job_seeker):
    """DOC-10, DOMAIN §4 (L6325-1): from 26, the contract is open to a
    registered job-seeker only. French refusal, or None."""
    birth_date = dossier.student.birth_date
    if not (birth_date and dossier.start_date) or real_age(birth_date, dossier.start_date) < JOB_SEEKER_AGE:
        return None
    if job_seeker is None:
        return _(
            "L'élève aura 26 ans ou plus au début du contrat : indiquez s'il est inscrit comme demandeur "
            "d'emploi (France Travail)."
        )
    if not job_seeker:
        return _(
            "À 26 ans ou plus, le contrat de professionnalisation est réservé aux demandeurs d'emploi inscrits "
            "à France Travail (Code du travail, L6325-1) : l'élève s'inscrit avant le début du contrat, ou "
            "écrivez au service Contrats pro."
        )
    return None


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


@transaction.atomic
def cerfa_save(*, dossier, company_data, contract_data, data, by):
    """DOC-7, step 4: the employer (SIRET, NAF, IDCC, OPCO), the contract's
    type and dates and the CERFA's key data, checked together: a pay below
    the legal minimum is refused with the minimum (DOC-10)."""
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
    cerfa = cerfa_of(dossier) or CerfaData(dossier=dossier)
    for name, value in data.items():
        setattr(cerfa, name, value)
    cerfa.full_clean()
    errors = {}
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
    cerfa.save()
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
    if cerfa is _READ:
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
    return problems


# --- Values: one source for the fallback layout and the official mapping ---

VALUES = {
    "employeur_denomination": gettext_lazy("Employeur – dénomination"),
    "employeur_siret": gettext_lazy("Employeur – SIRET"),
    "employeur_naf": gettext_lazy("Employeur – code NAF"),
    "employeur_idcc": gettext_lazy("Employeur – IDCC"),
    "employeur_opco": gettext_lazy("Employeur – OPCO"),
    "employeur_effectif": gettext_lazy("Employeur – effectif"),
    "employeur_adresse": gettext_lazy("Employeur – adresse"),
    "employeur_code_postal": gettext_lazy("Employeur – code postal"),
    "employeur_commune": gettext_lazy("Employeur – commune"),
    "employeur_retraite": gettext_lazy("Employeur – caisse de retraite complémentaire"),
    "employeur_signataire": gettext_lazy("Employeur – signataire"),
    "salarie_nom": gettext_lazy("Salarié – nom"),
    "salarie_prenom": gettext_lazy("Salarié – prénom"),
    "salarie_naissance": gettext_lazy("Salarié – date de naissance"),
    "salarie_nationalite": gettext_lazy("Salarié – nationalité"),
    "salarie_email": gettext_lazy("Salarié – e-mail"),
    "salarie_telephone": gettext_lazy("Salarié – téléphone"),
    "tuteur_nom": gettext_lazy("Tuteur – nom"),
    "tuteur_prenom": gettext_lazy("Tuteur – prénom"),
    "tuteur_emploi": gettext_lazy("Tuteur – emploi occupé"),
    "tuteur_experience": gettext_lazy("Tuteur – années d'expérience"),
    "tuteur_email": gettext_lazy("Tuteur – e-mail"),
    "tuteur_telephone": gettext_lazy("Tuteur – téléphone"),
    "contrat_type": gettext_lazy("Contrat – type (texte)"),
    "contrat_cdd": gettext_lazy("Contrat – case CDD"),
    "contrat_cdi": gettext_lazy("Contrat – case CDI"),
    "contrat_emploi": gettext_lazy("Contrat – emploi occupé"),
    "contrat_classification": gettext_lazy("Contrat – classification"),
    "contrat_conclusion": gettext_lazy("Contrat – date de conclusion"),
    "contrat_debut": gettext_lazy("Contrat – date de début"),
    "contrat_fin": gettext_lazy("Contrat – date de fin"),
    "contrat_essai": gettext_lazy("Contrat – période d'essai (jours)"),
    "contrat_duree_hebdo": gettext_lazy("Contrat – durée hebdomadaire"),
    "contrat_salaire": gettext_lazy("Contrat – salaire brut mensuel"),
    "formation_organisme": gettext_lazy("Formation – organisme"),
    "formation_siret": gettext_lazy("Formation – SIRET de l'organisme"),
    "formation_nda": gettext_lazy("Formation – n° de déclaration d'activité"),
    "formation_adresse": gettext_lazy("Formation – adresse de l'organisme"),
    "formation_diplome": gettext_lazy("Formation – qualification visée"),
    "formation_rncp": gettext_lazy("Formation – code RNCP"),
    "formation_heures": gettext_lazy("Formation – durée totale (heures)"),
    "formation_debut": gettext_lazy("Formation – début"),
    "formation_fin": gettext_lazy("Formation – fin des épreuves"),
}


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


def cerfa_values(dossier):
    """The CERFA's values as text (booleans for check boxes), by value key."""
    cerfa = cerfa_of(dossier) or CerfaData(dossier=dossier)
    company, student, user = dossier.company, dossier.student, dossier.student.user
    tutor, signatory = dossier.tuteur_entreprise, dossier.signataire
    sheet = FicheContact.objects.filter(dossier=dossier).first()
    organisation = school(dossier.year.start_year)
    year = dossier.year
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
        "tuteur_nom": tutor.last_name.upper() if tutor else "",
        "tuteur_prenom": tutor.first_name if tutor else "",
        "tuteur_emploi": tutor.job_title if tutor else "",
        "tuteur_experience": str(sheet.tutor_experience_years) if sheet and sheet.tutor_experience_years is not None else "",
        "tuteur_email": tutor.email if tutor else "",
        "tuteur_telephone": tutor.phone if tutor else "",
        "contrat_type": dossier.get_contract_type_display() if dossier.contract_type else "",
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
        "formation_organisme": organisation["name"],
        "formation_siret": organisation["siret"],
        "formation_nda": organisation["nda"],
        "formation_adresse": organisation["address"],
        "formation_diplome": f"{programme.DIPLOMA_TITLE}, {programme.DIPLOMA_GRADE}",
        "formation_rncp": programme.RNCP_CODE,
        "formation_heures": str(programme.track_for(student.department).training_hours),
        "formation_debut": _date(max(filter(None, (year.rentree, dossier.start_date)))),
        "formation_fin": _date(min(filter(None, (year.contract_end, dossier.end_date)))),
    }


def cerfa_pdf(dossier):
    """DOC-7: the official fillable form filled through its mapping when the
    office uploaded one, else the CERFA's frames laid out by the portal."""
    model = official_model()
    if model is not None:
        return cerfa_fill_official(dossier, model)
    cerfa = cerfa_of(dossier)
    share = training_share(dossier, cerfa.weekly_hours) if cerfa and dossier.start_date and dossier.end_date else None
    return "pdf/cerfa.html", {
        "v": cerfa_values(dossier), "dossier": dossier, "cerfa": cerfa, "share": share, "printed_at": timezone.localtime(),
    }


# --- The official fillable model -------------------------------------------

def official_model():
    """The model in force (see the module's docstring), or None."""
    storage = private_storage()
    if not storage.exists(MODEL_POINTER):
        return None
    with storage.open(MODEL_POINTER) as handle:
        model = json.load(handle)
    return model if storage.exists(model.get("file", "")) else None


def _write_pointer(model):
    storage = private_storage()
    if storage.exists(MODEL_POINTER):
        storage.delete(MODEL_POINTER)
    storage.save(MODEL_POINTER, ContentFile(json.dumps(model, ensure_ascii=False, indent=1).encode()))


def _form_fields(content):
    """{qualified name: "/Tx" | "/Btn" | "/Ch"} of a PDF's AcroForm."""
    from pypdf import PdfReader

    try:
        fields = PdfReader(io.BytesIO(content)).get_fields() or {}
    except Exception:  # pypdf raises many kinds of errors on a strange form
        return {}
    return {name: str(field.get("/FT", "")) for name, field in fields.items() if field.get("/FT") in ("/Tx", "/Btn", "/Ch")}


def _check_office(by):
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro dépose le modèle officiel du CERFA."))


def official_model_upload(*, uploaded_file, by):
    """The office deposits the blank official CERFA 12434 (DOC-7): a PDF
    (checked by content, DOC-6) with form fields to fill, or refused."""
    import hashlib


    _check_office(by)
    content, content_type, name = check_upload(uploaded_file)
    if content_type != "application/pdf":
        raise ValidationError(_("Le modèle du CERFA doit être un PDF."))
    fields = _form_fields(content)
    if not fields:
        raise ValidationError(_(
            "Ce PDF n'a pas de champs à remplir : déposez la version remplissable du CERFA 12434 "
            "(formulaire interactif, service-public.fr)."
        ))
    sha256 = hashlib.sha256(content).hexdigest()
    now = timezone.now()
    stored = private_storage().save(f"{MODEL_DIR}/{now:%Y%m%d-%H%M%S}-{sha256[:12]}.pdf", ContentFile(content))
    previous = (official_model() or {}).get("mapping", {})
    mapping = {field: key for field, key in previous.items() if field in fields}
    mapping.update({field: field for field in fields if field in VALUES and field not in mapping})
    model = {
        "file": stored, "name": name, "sha256": sha256, "uploaded_at": now.isoformat(),
        "uploaded_by": by.get_full_name() or by.get_username(), "fields": fields, "mapping": mapping,
    }
    _write_pointer(model)
    return model


def official_mapping_set(*, mapping, by):
    """The office edits the mapping PDF field → value key (DOC-7, kept as data)."""
    _check_office(by)
    model = official_model()
    if model is None:
        raise ValidationError(_("Déposez d'abord le modèle officiel du CERFA."))
    unknown = [field for field, key in mapping.items() if field not in model["fields"] or key not in VALUES]
    if unknown:
        raise ValidationError(_("Correspondance inconnue : %(fields)s.") % {"fields": ", ".join(unknown)})
    model["mapping"] = dict(mapping)
    _write_pointer(model)
    return model


def cerfa_fill_official(dossier, model):
    """The official PDF with its fields filled from ``cerfa_values`` through
    the mapping; check boxes take their "on" state or Off."""
    from pypdf import PdfReader, PdfWriter

    with private_storage().open(model["file"]) as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    fields = reader.get_fields() or {}
    writer = PdfWriter(clone_from=reader)
    values = cerfa_values(dossier)
    filled = {}
    for field, key in model["mapping"].items():
        if field not in fields or key not in values:
            continue
        value = values[key]
        if fields[field].get("/FT") == "/Btn":
            states = [s for s in fields[field].get("/_States_", []) if s != "/Off"]
            value = states[0] if (value and states) else "/Off"
        elif isinstance(value, bool):
            value = "X" if value else ""
        filled[field] = value
    if filled:
        writer.update_page_form_field_values(None, filled, auto_regenerate=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- Production -------------------------------------------------------------

def cerfa_request(*, dossier, by):
    """DOC-7, step 4: produce the pre-filled CERFA in the background, once
    nothing in ``cerfa_problems`` stands in the way (DOC-9, DOC-10): the
    official model filled when the office uploaded one, else the portal's
    layout. Returns the ``PdfJob``."""
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
