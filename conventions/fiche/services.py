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
enforced there. Each save records the fiche's content as a version when it
changed, so that the head's visa is bound to the version it signed and a
later change asks for a new one (``visa``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contratpro import roles
from contratpro.school.services import office_contact
from conventions.companies.models import CompanyContact
from conventions.companies.services import company_attach, contact_upsert
from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.dossier.models import StepState
from conventions.links.models import ExternalLink
from students import programme
from students.history import event_record

from .models import COMPANY_FIELDS, STUDENT_FIELDS, FicheContact  # noqa: F401 (the parts, read by pages and the demo)
from .visa import content_fingerprint, fiche_content, version_record, visa_state

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


STUDENT_CONTACT_FIELDS = ("address", "postal_code", "city")


def _save_student_contact(student, values, by):
    """DOC-1: the student's postal address and phone, as the fiche gives them
    (their own record, ROLE-1; the phone is their account's). Returns the
    labels of what changed. Compared with the stored row: a ModelForm bound
    to the student has already written the typed values on the instance."""
    student = type(student).objects.select_related("user").select_for_update(of=("self",)).get(pk=student.pk)
    changed = [name for name in STUDENT_CONTACT_FIELDS if name in values and getattr(student, name) != values[name]]
    for name in changed:
        setattr(student, name, values[name])
    labels = [str(student._meta.get_field(name).verbose_name) for name in changed]
    if changed:
        student.save(update_fields=changed)
    user = student.user
    if "phone" in values and user.phone != values["phone"]:
        user.phone = values["phone"]
        user.save(update_fields=["phone"])
        labels.append(str(user._meta.get_field("phone").verbose_name))
    return labels


@transaction.atomic
def fiche_save_student_part(*, dossier, data, company_data, by, student_data=None):
    """DOC-1, step 2: the student's part (activities and projects in the
    company, the PFE envisaged, both required; the part is stamped complete),
    the employer's identity (``company_attach``) and, when given, the
    student's postal address and phone. A change of content after the
    head's visa asks for a new one (``visa.version_record``)."""
    _check_editor(by, dossier)
    _check_not_frozen(dossier)
    company = attach_company(
        dossier=dossier, values={name: company_data[name] for name in IDENTITY_FIELDS}, by=by, record=False
    )
    fiche = _locked_fiche(dossier)
    _apply(fiche, data, STUDENT_FIELDS)
    missing = [name for name in STUDENT_FIELDS if not (getattr(fiche, name) or "").strip()]
    if missing:
        raise ValidationError({name: _("Ce champ est obligatoire.") for name in missing})
    fiche.full_clean()
    fiche.student_completed_at = timezone.now()
    fiche.save()
    summary = _("Fiche contact : partie élève enregistrée, entreprise %(name)s (SIRET %(siret)s).") % {
        "name": company.name, "siret": company.siret,
    }
    if student_data:
        contact = _save_student_contact(dossier.student, student_data, by)
        if contact:
            summary += " " + _("Coordonnées de l'élève modifiées : %(fields)s.") % {"fields": ", ".join(contact)}
    event = event_record(dossier=dossier, actor=by, verb="conventions.fiche.student", step="2", summary=summary)
    version_record(fiche=fiche, dossier=dossier, event=event, by=by)
    return fiche


def attach_company(*, dossier, values, by=None, link=None, record=True):
    """The employer of SIRET ``values["siret"]`` becomes the dossier's
    (``companies.company_attach``, DOC-12); when the dossier changes
    company, its contacts are taken again from the fiche, and (``record``,
    for a caller that is not the fiche's own save: the CERFA) the fiche's
    content records the new employer: a visa given before is then on an
    earlier version (DOC-1). So does the dossier's own company corrected
    in place (its SIRET typed again on the CERFA)."""
    company = company_attach(dossier=dossier, values=values, by=by, link=link)
    changed = dossier.company_id != company.pk
    if changed:
        dossier.company = company
        dossier.tuteur_entreprise = dossier.signataire = dossier.hr_contact = None
        dossier.save(update_fields=["company", "tuteur_entreprise", "signataire", "hr_contact", "updated_at"])
    else:
        dossier.company = company  # the row as corrected in place, read by the version below
    fiche = FicheContact.objects.filter(dossier=dossier).first() if (changed or record) else None
    if fiche is None:
        return company
    if changed:
        _copy_contacts(dossier, fiche, by=by, link=link)
    if record and fiche.content_fingerprint and (
        content_fingerprint(fiche_content(fiche, company)) != fiche.content_fingerprint
    ):
        event = event_record(
            dossier=dossier, actor=by, link=link, verb="conventions.fiche.employer", step="2",
            summary=(_("Fiche contact : l'employeur devient %(name)s (SIRET %(siret)s).") if changed
                     else _("Fiche contact : l'employeur %(name)s est corrigé (SIRET %(siret)s)."))
            % {"name": company.name, "siret": company.siret},
        )
        version_record(fiche=fiche, dossier=dossier, event=event, by=by, link=link)
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
    event = event_record(
        dossier=dossier, actor=by, link=link, verb="conventions.fiche.company_part", step="2", summary=summary
    )
    version_record(fiche=fiche, dossier=dossier, event=event, by=by, link=link)
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
    it was. The HR contact may be given by e-mail only: recorded as "Contact
    RH" until someone names them. A person another dossier uses changes
    only through a proposal to the office (``contact_upsert``, DOC-12)."""
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
            email=fiche.signatory_email, first_name=fiche.signatory_first_name, last_name=fiche.signatory_last_name,
            job_title=fiche.signatory_job, phone=fiche.signatory_phone,
        )
    if fiche.hr_email:
        existing = company.contacts.filter(email__iexact=fiche.hr_email).first()
        pointers["hr_contact"] = contact_upsert(
            dossier=dossier, company=company, role=CompanyContact.Role.HR, by=by, link=link, email=fiche.hr_email,
            first_name=fiche.hr_first_name or (existing.first_name if existing else _("Contact")),
            last_name=fiche.hr_last_name or (existing.last_name if existing else _("RH")),
            job_title=fiche.hr_job, phone=fiche.hr_phone,
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


def home_approval(dossier, *, events=None):
    """Step 3' (STEP-5, ELIG-7) as the fiche shows it, for a double-diploma
    incoming student: the home institution, the date its approval reached
    the school, who validated step 3' and when, and what is still missing
    (in French); None when the step does not apply. ``events``: the
    timeline when the page already read it."""
    student = dossier.student
    if not student.double_diploma_incoming:
        return None
    step = next((row for row in dossier.steps.all() if row.code == "3p"), None)
    validated = None
    if step is not None and step.state == StepState.VALIDATED:
        if events is None:
            rows = dossier.events.filter(step="3p", verb="conventions.step.validate").select_related("actor")
        else:
            rows = [event for event in events if event.step == "3p" and event.verb == "conventions.step.validate"]
        validated = max(rows, key=lambda event: event.pk, default=None)
    missing = []
    if not student.home_approval_date:
        missing.append(_("la date de l'accord de l'établissement d'origine"))
    if step is None or step.state != StepState.VALIDATED:
        missing.append(_("la validation de l'étape 3'"))
    return {
        "institution": student.home_institution,
        "date": student.home_approval_date,
        "step": step,
        "validated": validated,
        "validated_by": (validated.actor.get_full_name() if validated is not None and validated.actor else ""),
        "missing": missing,
    }


def _person(role, name="", function="", email="", phone="", address=(), missing="", note=""):
    return {"role": role, "name": name, "function": function, "email": email, "phone": phone, "note": note,
            "address": [line for line in address if line], "missing": missing if not name else ""}


def _contact_row(role, contact, *, typed_name="", typed_job="", typed_email="", typed_phone="", missing=""):
    """A company person as the office holds them (the shared record, DOC-12),
    else as the fiche typed them."""
    if contact is not None:
        return _person(role, contact.full_name, contact.job_title, contact.email, contact.phone or typed_phone)
    return _person(role, typed_name.strip(), typed_job, typed_email, typed_phone, missing=missing)


def people_of(dossier, sheet, *, office=None, pfe_only=False):
    """DOC-1: everyone involved, with name, function, e-mail and phone, as the
    fiche's page and PDF list them: the student (with their postal address),
    the company's switchboard, its tutor, signatory and HR contact, the
    department head, the tuteur école and the office. Staff phones are their
    accounts'. Reads what the dossier joined (no query of its own)."""
    student, company = dossier.student, dossier.company
    department = student.department
    to_complete = _("à compléter")
    rows = [_person(
        _("Élève salarié"), student.full_name, _("Élève ingénieur, %(dept)s") % {"dept": department.code},
        student.user.email, student.user.phone,
        address=[*(student.address or "").splitlines(), f"{student.postal_code} {student.city}".strip()],
    )]
    if not pfe_only:
        rows.append(_person(
            _("Entreprise"), company.name if company else "", _("Standard"), "", sheet.company_phone,
            address=[company.address, f"{company.postal_code} {company.city}"] if company else (), missing=to_complete,
        ))
    tutor_row = _contact_row(
        _("Tuteur entreprise"), dossier.tuteur_entreprise, missing=to_complete,
        typed_name=f"{sheet.tutor_first_name} {sheet.tutor_last_name}", typed_job=sheet.tutor_job,
        typed_email=sheet.tutor_email, typed_phone=sheet.tutor_phone,
    )
    years = sheet.tutor_experience_years
    if years is not None:
        tutor_row["note"] = ngettext("%(n)s an d'expérience", "%(n)s ans d'expérience", years) % {"n": years}
    rows.append(tutor_row)
    if not pfe_only:
        rows.append(_contact_row(
            _("Signataire pour l'entreprise"), dossier.signataire, missing=to_complete,
            typed_name=f"{sheet.signatory_first_name} {sheet.signatory_last_name}", typed_job=sheet.signatory_job,
            typed_email=sheet.signatory_email, typed_phone=sheet.signatory_phone,
        ))
        rows.append(_contact_row(
            _("Contact ressources humaines"), dossier.hr_contact, missing="—",
            typed_name=f"{sheet.hr_first_name} {sheet.hr_last_name}", typed_job=sheet.hr_job,
            typed_email=sheet.hr_email, typed_phone=sheet.hr_phone,
        ))
        head = department.head
        rows.append(_person(
            _("Responsable de département"), head.get_full_name() if head else "",
            _("Responsable du département %(dept)s") % {"dept": department.code},
            head.email if head else "", head.phone if head else "", missing="—",
        ))
    tutor = dossier.tuteur_ecole
    rows.append(_person(
        _("Tuteur école"), tutor.get_full_name() if tutor else "", _("Enseignant"),
        tutor.email if tutor else "", tutor.phone if tutor else "",
        missing=_("nommé par le responsable de département"),
    ))
    if office is not None and not pfe_only:
        rows.append(_person(
            _("Service Contrats pro"), office["school_name"], _("Service Contrats de professionnalisation"),
            office["email"], office["phone"],
        ))
    return rows


def _pdf_context(dossier, *, pfe_only=False):
    fiche = fiche_of(dossier)
    student = dossier.student
    office = office_contact(dossier.year.start_year)
    return {
        "dossier": dossier,
        "student": student,
        "fiche": fiche,
        "company": dossier.company,
        "tutor": dossier.tuteur_entreprise,
        "signatory": dossier.signataire,
        "hr": dossier.hr_contact,
        "head": student.department.head,
        "office": office,
        "people": people_of(dossier, fiche, office=office, pfe_only=pfe_only),
        "year": dossier.year,
        "track": programme.track_for(student.department),
        "programme": programme,
        "visa": visa_state(dossier, fiche),
        "home": home_approval(dossier),
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
