"""The demo's fiches contact (DOC-1, DOC-12, ROLE-5), typed through the
fiche's services in June, as ``FICHES`` tells:

- ``eleve``: Léa types her part; the office sends the company's signatory a
  personal link, through which she types the company's part: the timeline
  says « Anne Salles (entreprise, par lien personnel) »;
- ``eleve26``: Arthur types the company's usual short name, on a company
  another dossier uses: the change waits as a proposal on the office's
  review page (DOC-12); he also types a signatory the company never gave
  the office, whose address waits there for the office's confirmation
  (ROLE-5).

Runs before the démarche: once step 2 is validated a fiche no longer
changes (a database built before these stories keeps its fiches as they
are). Each act is done once: found in the dossier's timeline, it is not
done again, so a second run writes nothing.
"""

from django.utils import timezone

from conventions.fiche.models import FicheContact
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

FICHE_LINK = ExternalLink.Purpose.FICHE_CONTACT


def done(dossier, verb):
    return dossier.events.filter(verb=verb).exists()


def day(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def backdate_since(dossier, event_pk, moment):
    """Stamp the dossier's events recorded after ``event_pk`` with ``moment``."""
    Event.objects.filter(dossier=dossier, pk__gt=event_pk or 0).update(at=moment)


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
        company_data=identity, by=dossier.student.user,
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
    data = {
        "company_presentation": fiche.presentation,
        "signatory_first_name": first_name, "signatory_last_name": last_name, "signatory_job": job_title,
        "signatory_email": company_email(dossier.company.name, first_name, last_name),
    }
    since = last_event(dossier)
    fiche_save_company_part(dossier=dossier, data=data, by=dossier.student.user)
    backdate_since(dossier, since, at(fiche.company_part, 19, 10))
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
