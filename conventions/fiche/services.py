"""The fiche contact (DOC-1, DOC-2, STEP-1 steps 2, 3, 3' and D).

The student types their part and the company's identity in the portal; the
company's part (presentation, tutor, signatory, HR) is typed by the student
or completed by the company through its personal link (ROLE-5); at the end
of S9 the student adds the precise PFE subject (DOC-2). Each save copies
the people of the company's part into ``CompanyContact`` rows and points
the dossier's ``tuteur_entreprise``, ``signataire`` and ``hr_contact`` at
them, so the CERFA, the convention and the links read one source.

Step 3 (the department head signs the fiche off, or refuses it with a
comment) is a ``steps.step_transition`` on the steps panel; ELIG-9 is
enforced there.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.companies.models import CompanyContact
from conventions.companies.services import company_attach, contact_upsert
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.dossier.models import StepState
from conventions.links.models import ExternalLink
from students import programme
from students.history import event_record

from .models import FicheContact

STUDENT_FIELDS = ("company_activities", "pfe_project")
COMPANY_FIELDS = (
    "company_presentation",
    "tutor_first_name", "tutor_last_name", "tutor_job", "tutor_email", "tutor_phone", "tutor_experience_years",
    "signatory_first_name", "signatory_last_name", "signatory_job", "signatory_email",
    "hr_email", "hr_phone",
)
# The company's part is complete when these are filled (the HR contact is optional).
COMPANY_REQUIRED = (
    "company_presentation",
    "tutor_first_name", "tutor_last_name", "tutor_job", "tutor_email", "tutor_phone", "tutor_experience_years",
    "signatory_first_name", "signatory_last_name", "signatory_job", "signatory_email",
)
PFE_FIELDS = ("pfe_title", "pfe_context", "pfe_purpose", "pfe_objectives", "pfe_schedule")
IDENTITY_FIELDS = ("name", "siret", "address", "postal_code", "city")


def fiche_of(dossier):
    """The dossier's fiche, or a new unsaved one (nothing typed yet)."""
    fiche = FicheContact.objects.filter(dossier=dossier).first()
    return fiche if fiche is not None else FicheContact(dossier=dossier)


def _check_editor(by, dossier):
    if not roles.can_edit_dossier_papers(by, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro remplissent la fiche contact."))


def _locked_fiche(dossier):
    FicheContact.objects.get_or_create(dossier=dossier)
    return FicheContact.objects.select_for_update().get(dossier=dossier)


def _apply(instance, data, names):
    """Set ``names`` from ``data``; returns the names whose value changed."""
    changed = []
    for name in names:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def fiche_save_student_part(*, dossier, data, company_data, by):
    """DOC-1, step 2: the student's part (activities and projects in the
    company, the PFE envisaged, both required; the part is stamped complete)
    and the employer's identity (``company_attach``)."""
    _check_editor(by, dossier)
    _check_not_frozen(dossier)
    company = attach_company(dossier=dossier, values={name: company_data[name] for name in IDENTITY_FIELDS}, by=by)
    fiche = _locked_fiche(dossier)
    _apply(fiche, data, STUDENT_FIELDS)
    missing = [name for name in STUDENT_FIELDS if not (getattr(fiche, name) or "").strip()]
    if missing:
        raise ValidationError({name: _("Ce champ est obligatoire.") for name in missing})
    fiche.full_clean()
    fiche.student_completed_at = timezone.now()
    fiche.save()
    event_record(
        dossier=dossier, actor=by, verb="conventions.fiche.student", step="2",
        summary=_("Fiche contact : partie élève enregistrée, entreprise %(name)s (SIRET %(siret)s).")
        % {"name": company.name, "siret": company.siret},
    )
    return fiche


def attach_company(*, dossier, values, by=None, link=None):
    """The employer of SIRET ``values["siret"]`` becomes the dossier's
    (``companies.company_attach``, DOC-12); when the dossier changes
    company, its contacts are taken again from the fiche."""
    company = company_attach(dossier=dossier, values=values, by=by, link=link)
    if dossier.company_id != company.pk:
        dossier.company = company
        dossier.tuteur_entreprise = dossier.signataire = dossier.hr_contact = None
        dossier.save(update_fields=["company", "tuteur_entreprise", "signataire", "hr_contact", "updated_at"])
        fiche = FicheContact.objects.filter(dossier=dossier).first()
        if fiche is not None:
            _copy_contacts(dossier, fiche, by=by, link=link)
    return company


def fiche_frozen(dossier):
    """DOC-12, STEP-3: once step 2 is validated the fiche no longer changes
    (a refusal, or the office reopening the step, opens it again); the PFE
    part of the end of S9 (DOC-2) stays open."""
    return dossier.steps.filter(code="2", state=StepState.VALIDATED).exists()


def _check_not_frozen(dossier):
    if fiche_frozen(dossier):
        raise ValidationError(
            _("La fiche contact est validée (étape 2) : elle ne se modifie plus. Pour une correction, "
              "écrivez au service Contrats pro, qui peut rouvrir l'étape.")
        )


@transaction.atomic
def fiche_save_company_part(*, dossier, data, by=None, link=None):
    """DOC-1, step 2: the company's part, typed by the student or the office
    (``by``) or by a company person through a personal link (``link``,
    ROLE-5; its purpose was checked by ``links.resolve_link``). The people
    are copied into the company's contacts and the dossier points at them."""
    if link is not None:
        if roles.link_problem(link, purpose=ExternalLink.Purpose.FICHE_CONTACT, dossier=dossier) is not None:
            raise PermissionDenied(_("Ce lien ne permet plus de remplir la fiche de ce dossier."))
        by = None
    else:
        _check_editor(by, dossier)
    _check_not_frozen(dossier)
    if dossier.company_id is None:
        raise ValidationError(_("Indiquez d'abord l'entreprise (raison sociale et SIRET) dans la partie élève de la fiche."))
    fiche = _locked_fiche(dossier)
    _apply(fiche, data, COMPANY_FIELDS)
    fiche.full_clean()
    complete = all(getattr(fiche, name) not in (None, "") for name in COMPANY_REQUIRED)
    fiche.company_completed_at = timezone.now() if complete else None
    fiche.save()
    _copy_contacts(dossier, fiche, by=by, link=link)
    if link is not None:
        summary = _("Fiche contact : partie entreprise remplie par l'entreprise.")
    else:
        summary = _("Fiche contact : partie entreprise enregistrée.")
    if not complete:
        summary += " " + _("Elle reste incomplète.")
    event_record(dossier=dossier, actor=by, link=link, verb="conventions.fiche.company_part", step="2", summary=summary)
    return fiche


@transaction.atomic
def fiche_save_pfe(*, dossier, data, by):
    """DOC-2, step D: the precise PFE subject at the end of S9: a title of
    10 words at most (it goes in the diploma supplement), context, purpose,
    objectives and schedule, all required."""
    _check_editor(by, dossier)
    fiche = _locked_fiche(dossier)
    _apply(fiche, data, PFE_FIELDS)
    missing = [name for name in PFE_FIELDS if not (getattr(fiche, name) or "").strip()]
    if missing:
        raise ValidationError({name: _("Ce champ est obligatoire.") for name in missing})
    fiche.full_clean()  # validate_pfe_title: 10 words at most
    fiche.pfe_completed_at = timezone.now()
    fiche.save()
    event_record(
        dossier=dossier, actor=by, verb="conventions.fiche.pfe", step="D",
        summary=_("Fiche PFE enregistrée : « %(title)s ».") % {"title": fiche.pfe_title},
    )
    return fiche


def _copy_contacts(dossier, fiche, *, by=None, link=None):
    """The fiche's people → ``CompanyContact`` rows of the dossier's company
    and the dossier's ``tuteur_entreprise``, ``signataire``, ``hr_contact``.
    A person not (or only partly) described leaves the dossier's pointer as
    it was. The HR contact is known by e-mail only: recorded as "Contact RH"
    until someone names them."""
    company = dossier.company
    if company is None:
        return
    pointers = {}
    if fiche.tutor_email and fiche.tutor_first_name and fiche.tutor_last_name:
        pointers["tuteur_entreprise"] = contact_upsert(
            dossier=dossier, company=company, role=CompanyContact.Role.TUTOR, by=by, link=link,
            email=fiche.tutor_email, first_name=fiche.tutor_first_name, last_name=fiche.tutor_last_name, job_title=fiche.tutor_job, phone=fiche.tutor_phone,
        )
    if fiche.signatory_email and fiche.signatory_first_name and fiche.signatory_last_name:
        pointers["signataire"] = contact_upsert(
            dossier=dossier, company=company, role=CompanyContact.Role.SIGNATORY, by=by, link=link,
            email=fiche.signatory_email, first_name=fiche.signatory_first_name, last_name=fiche.signatory_last_name, job_title=fiche.signatory_job,
        )
    if fiche.hr_email:
        existing = company.contacts.filter(email__iexact=fiche.hr_email).first()
        pointers["hr_contact"] = contact_upsert(
            dossier=dossier, company=company, role=CompanyContact.Role.HR, by=by, link=link, email=fiche.hr_email,
            first_name=existing.first_name if existing else _("Contact"),
            last_name=existing.last_name if existing else _("RH"),
            phone=fiche.hr_phone,
        )
    changed = [name for name, contact in pointers.items() if getattr(dossier, f"{name}_id") != contact.pk]
    for name in changed:
        setattr(dossier, name, pointers[name])
    if changed:
        dossier.save(update_fields=[*changed, "updated_at"])


def fiche_state(fiche):
    """The three parts of the fiche and when each was completed."""
    return [
        {"key": "student", "label": _("Partie élève"), "at": fiche.student_completed_at},
        {"key": "company", "label": _("Partie entreprise"), "at": fiche.company_completed_at},
        {"key": "pfe", "label": _("Fiche PFE (fin de S9)"), "at": fiche.pfe_completed_at},
    ]


def _head_visa(dossier):
    """Step 3 as the PDF prints it: who validated the fiche, and when."""
    step = dossier.steps.filter(code="3").first()
    if step is None or step.state != "valide":
        return None
    event = dossier.events.filter(step="3", to_state="valide").select_related("actor").order_by("-at").first()
    return event


def _pdf_context(dossier, *, pfe_only=False):
    fiche = fiche_of(dossier)
    student = dossier.student
    return {
        "dossier": dossier,
        "student": student,
        "fiche": fiche,
        "company": dossier.company,
        "tutor": dossier.tuteur_entreprise,
        "signatory": dossier.signataire,
        "hr": dossier.hr_contact,
        "year": dossier.year,
        "track": programme.track_for(student.department),
        "programme": programme,
        "visa": _head_visa(dossier),
        "pfe_only": pfe_only,
        "printed_at": timezone.localtime(),
    }


def fiche_pdf(dossier):
    """DOC-1: the fiche contact as printed, with the department head's visa
    once step 3 is validated."""
    return "pdf/fiche_contact.html", _pdf_context(dossier)


def fiche_pfe_pdf(dossier):
    """DOC-2: the fiche PFE of the end of S9."""
    return "pdf/fiche_contact.html", _pdf_context(dossier, pfe_only=True)


def fiche_request_pdf(*, dossier, kind, by):
    """DOC-1, DOC-2: print the fiche contact (once the student's part is
    typed) or the fiche PFE (once it is complete), in the background."""
    _check_editor(by, dossier)
    sheet = FicheContact.objects.filter(dossier=dossier).first()
    if kind == DocumentKind.FICHE_PFE:
        if sheet is None or sheet.pfe_completed_at is None:
            raise ValidationError(_("Complétez d'abord la fiche PFE (titre, contexte, finalité, objectifs, déroulement)."))
    elif kind == DocumentKind.FICHE_CONTACT:
        if sheet is None or sheet.student_completed_at is None:
            raise ValidationError(_("Remplissez d'abord la partie élève de la fiche contact."))
    else:
        raise ValidationError(_("Document inconnu."))
    return pdf_request(dossier=dossier, kind=kind, by=by)
