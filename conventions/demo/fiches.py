"""The demo's fiches contact (DOC-1, DOC-12, ROLE-5), typed through the
fiche's services in June, as ``FICHES`` tells:

- ``eleve``: Léa types her part; the office sends the company's signatory a
  personal link, through which she types the company's part: the timeline
  says « Anne Salles (entreprise, par lien personnel) »;
- ``eleve26``: Arthur types the company's usual short name, on a company
  another dossier uses: the change waits as a proposal on the office's
  review page (DOC-12); he also types a signatory the company never gave
  the office, whose address waits there for the office's confirmation
  (ROLE-5); the head signed his fiche off in June and he made his
  activities precise in November: the visa is on an earlier version, step
  3 is back with the head (« nouveau visa demandé », DOC-1).

Each fiche gives everyone's phone and the HR contact by name (``CONTACTS``);
the students type their postal address and phone with their part.

Runs before the démarche: once step 2 is validated a fiche no longer
changes (a database built before these stories keeps its fiches as they
are). Each act is done once: found in the dossier's timeline, it is not
done again, so a second run writes nothing.
"""

import datetime

from django.utils import timezone

from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract
from conventions.fiche.models import FicheContact, FicheVersion
from conventions.fiche.services import (
    IDENTITY_FIELDS,
    fiche_frozen,
    fiche_save_company_part,
    fiche_save_student_part,
)
from conventions.links.models import ExternalLink, LinkUse
from conventions.links.services import DEFAULT_VALIDITY, link_create, make_token, resolve_link
from conventions.models import ChangeProposal, Dossier
from students.models import Event

from .data import FICHES
from .records import at, company_email
from .story import last_event

D = datetime.date

# DOC-1: what each fiche gives beyond ``FICHES``: the student's own postal
# address and phone, the company's switchboard, the signatory's phone and
# the HR contact by name (first name, last name, function, phone).
CONTACTS = {
    "eleve": {
        "student": {"address": "14 rue d'Avéjan", "postal_code": "30100", "city": "Alès", "phone": "06 71 42 18 35"},
        "company_phone": "04 66 52 18 00", "signatory_phone": "04 66 52 18 02",
        "hr": ("Julie", "Fabre", "Responsable des ressources humaines", "04 66 52 18 05"),
    },
    "eleve26": {
        "student": {"address": "3 impasse des Tilleuls\nRésidence Les Mûriers", "postal_code": "30100", "city": "Alès",
                    "phone": "07 68 12 44 90"},
        "company_phone": "04 66 30 72 00", "signatory_phone": "04 66 30 72 11", "tutor_phone": "04 66 30 72 20",
        "hr": ("Karim", "Benali", "Chargé de recrutement", "04 66 30 72 15"),
    },
}

# DOC-1: eleve26's visa of June on a fiche he made precise in November.
STALE_VISA = {
    "eleve26": {
        "handed_in": at(D(2026, 6, 15), 10, 10), "approved": at(D(2026, 6, 17), 11, 0),
        "visa": at(D(2026, 6, 19), 14, 30), "changed": at(D(2026, 11, 12), 18, 40),
        "activities": "Industrialisation d'une ligne d'usinage de pièces aéronautiques : gammes de fabrication, "
                      "programmation des centres 5 axes, suivi de la qualité, et depuis novembre le contrôle "
                      "tridimensionnel des pièces de série.",
    },
}

FICHE_LINK = ExternalLink.Purpose.FICHE_CONTACT


def done(dossier, verb):
    return dossier.events.filter(verb=verb).exists()


def day(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def backdate_since(dossier, event_pk, moment):
    """Stamp the dossier's events recorded after ``event_pk`` with ``moment``,
    and the fiche's versions they recorded (DOC-1)."""
    Event.objects.filter(dossier=dossier, pk__gt=event_pk or 0).update(at=moment)
    FicheVersion.objects.filter(fiche__dossier=dossier, event__pk__gt=event_pk or 0).update(recorded_at=moment)


def contacts_of(dossier):
    return CONTACTS.get(dossier.student.user.username, {})


def company_contacts(dossier):
    """DOC-1: the switchboard, the signatory's phone and the HR contact of ``CONTACTS``."""
    extra = contacts_of(dossier)
    if not extra:
        return {}
    first_name, last_name, job, phone = extra["hr"]
    return {
        "company_phone": extra["company_phone"], "signatory_phone": extra["signatory_phone"],
        "hr_first_name": first_name, "hr_last_name": last_name, "hr_job": job, "hr_phone": phone,
        "hr_email": company_email(dossier.company.name, first_name, last_name),
    }


def student_part(dossier, fiche, tally):
    """DOC-1, step 2: the student's part and the employer's identity as the
    student typed it; a name that differs from a shared company's is
    proposed to the office (DOC-12)."""
    if done(dossier, "conventions.fiche.student"):
        return
    identity = {name: getattr(dossier.company, name) for name in IDENTITY_FIELDS}
    if fiche.company_name:
        identity["name"] = fiche.company_name
    since, proposals = last_event(dossier), set(dossier.company_proposals.values_list("pk", flat=True))
    saved = fiche_save_student_part(
        dossier=dossier, data={"company_activities": fiche.activities, "pfe_project": fiche.pfe_project},
        company_data=identity, by=dossier.student.user, student_data=contacts_of(dossier).get("student"),
    )
    moment = at(fiche.student_part, 18, 40)
    backdate_since(dossier, since, moment)
    FicheContact.objects.filter(pk=saved.pk).update(student_completed_at=moment)
    proposed = ChangeProposal.objects.filter(dossier=dossier).exclude(pk__in=proposals)
    tally["created"] += 1 + proposed.update(created_at=moment)


def company_part_by_student(dossier, fiche, tally):
    """DOC-1: the student types the company's presentation and a signatory
    of their own knowledge; a new person typed by a student is unconfirmed,
    no signing link goes to them before the office confirms (ROLE-5)."""
    if done(dossier, "conventions.fiche.company_part"):
        return
    first_name, last_name, job_title = fiche.signatory
    tutor = dossier.tuteur_entreprise
    data = {
        "company_presentation": fiche.presentation,
        "signatory_first_name": first_name, "signatory_last_name": last_name, "signatory_job": job_title,
        "signatory_email": company_email(dossier.company.name, first_name, last_name),
        **company_contacts(dossier),
    }
    if tutor is not None:
        # The tutor the office recorded, with the years the fiche asks (DOC-1).
        data.update({"tutor_first_name": tutor.first_name, "tutor_last_name": tutor.last_name,
                     "tutor_job": tutor.job_title, "tutor_email": tutor.email, "tutor_phone": tutor.phone or contacts_of(dossier).get("tutor_phone", ""),
                     "tutor_experience_years": 8})
    since = last_event(dossier)
    saved = fiche_save_company_part(dossier=dossier, data=data, by=dossier.student.user)
    typed = at(fiche.company_part, 19, 10)
    backdate_since(dossier, since, typed)
    if saved.company_completed_at is not None:
        FicheContact.objects.filter(pk=saved.pk).update(company_completed_at=typed)
    tally["created"] += 1  # the signatory
    tally["updated"] += 2  # the fiche, the dossier's signatory


def company_part_by_link(dossier, fiche, office, tally):
    """ROLE-5, DOC-1: the office sends the company's signatory a personal
    link; she opens it and types the company's part, naming the tutor and
    herself as the office recorded them (the tutor's phone is new)."""
    if done(dossier, "conventions.fiche.company_part"):
        return
    tutor, signatory = dossier.tuteur_entreprise, dossier.signataire
    since = last_event(dossier)
    link = link_create(dossier=dossier, contact=signatory, purpose=FICHE_LINK, by=office)
    sent = at(fiche.link_sent, 9, 15)
    backdate_since(dossier, since, sent)
    # The service wrote the expiry it computed from the clock; in the story
    # the link was valid for the usual 30 days after it was sent.
    created = Event.objects.get(pk=last_event(dossier))
    created.summary = created.summary.replace(day(link.expires_at), day(sent + DEFAULT_VALIDITY))
    created.save(update_fields=["summary"])
    link = resolve_link(None, make_token(link), FICHE_LINK, action="fiche")
    data = {
        "company_presentation": fiche.presentation,
        "tutor_first_name": tutor.first_name, "tutor_last_name": tutor.last_name, "tutor_job": tutor.job_title,
        "tutor_email": tutor.email, "tutor_phone": fiche.tutor_phone,
        "tutor_experience_years": fiche.tutor_experience_years,
        "signatory_first_name": signatory.first_name, "signatory_last_name": signatory.last_name,
        "signatory_job": signatory.job_title, "signatory_email": signatory.email,
        **company_contacts(dossier),
    }
    since = last_event(dossier)
    saved = fiche_save_company_part(dossier=dossier, data=data, link=link)
    typed = at(fiche.company_part, 11, 5)
    backdate_since(dossier, since, typed)
    FicheContact.objects.filter(pk=saved.pk).update(company_completed_at=typed)
    LinkUse.objects.filter(link=link).update(at=typed)
    ExternalLink.objects.filter(pk=link.pk).update(created_at=sent, expires_at=sent + DEFAULT_VALIDITY)
    tally["created"] += 2  # the link, its use
    tally["updated"] += 2  # the fiche, the tutor's phone


def build_fiches(context):
    """The fiches ``FICHES`` tells, through the fiche's services."""
    office = context.users["bureau"]
    dossiers = Dossier.objects.filter(year=context.year, student__user__username__in=FICHES).select_related(
        "student__user", "company", "tuteur_entreprise", "signataire"
    )
    for dossier in dossiers:
        fiche = FICHES[dossier.student.user.username]
        if fiche_frozen(dossier):
            continue
        student_part(dossier, fiche, context.tally)
        if fiche.link_sent:
            company_part_by_link(dossier, fiche, office, context.tally)
        else:
            company_part_by_student(dossier, fiche, context.tally)
        if dossier.student.user.username in STALE_VISA:
            visa_then_change(dossier, STALE_VISA[dossier.student.user.username], context.tally)


def visa_then_change(dossier, story, tally):
    """DOC-1, ELIG-9, step 3: the head approves the contract and signs the
    fiche off in June; in November the student makes his activities
    precise: the visa is on an earlier version, step 3 goes back to the
    head. Done once (the visa found, nothing is done again)."""
    sheet = FicheContact.objects.filter(dossier=dossier).first()
    if sheet is None or sheet.company_completed_at is None:
        return
    if dossier.events.filter(step="3", verb="conventions.step.validate").exists():
        return
    student, head = dossier.student.user, dossier.student.department.head
    steps.steps_sync(dossier)  # the démarche's rows, before the démarche's own pass (STEP-1)
    step = dossier.steps.get(code="3")
    since = last_event(dossier)
    steps.step_transition(step=step, action=steps.SUBMIT, by=student)
    backdate_since(dossier, since, story["handed_in"])
    if dossier.head_approval_at is None:
        dossier_approve_contract(dossier=dossier, by=head)
        Dossier.objects.filter(pk=dossier.pk).update(head_approval_at=story["approved"])
        Event.objects.filter(student=dossier.student, verb="conventions.dossier.approve").update(at=story["approved"])
        dossier.head_approval_at = story["approved"]
        tally["updated"] += 1
    since = last_event(dossier)
    steps.step_transition(step=dossier.steps.get(code="3"), action=steps.VALIDATE, by=head)
    backdate_since(dossier, since, story["visa"])
    since = last_event(dossier)
    fiche_save_student_part(
        dossier=dossier, by=student, data={"company_activities": story["activities"], "pfe_project": sheet.pfe_project},
        company_data={name: getattr(dossier.company, name) for name in IDENTITY_FIELDS},
    )
    backdate_since(dossier, since, story["changed"])
    FicheContact.objects.filter(pk=sheet.pk).update(student_completed_at=story["changed"])
    tally["updated"] += 3  # step 3 twice (a new visa is asked), the fiche
