"""The department head's visa on the fiche contact, bound to the version it
signed (DOC-1, STEP-1 step 3, STEP-6).

A visa is a validation of step 3 (``steps.step_transition``, an event of the
log, never rewritten): every visa of the dossier stays in its history.
What it signed is the fiche's content as the last ``FicheVersion`` recorded
before it, in the event log's order: each save of the fiche that changes
its content (the student's part, the company's part, the employer's SIRET) records
a new version, whole, with the SHA-256 of its canonical JSON.

A change after the latest visa makes it stale: the fiche (page, panel,
PDF) says « Visa du … sur une version antérieure — nouveau visa demandé »
and shows what changed since, and step 3 goes back to the head (« soumise »,
in their « À faire »), who signs the new version. The PFE details of the end
of S9 (DOC-2) are not part of it: the seed lets them be made precise after
step 3.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.frenchdates import long_date
from conventions.companies.models import Company
from conventions.dossier import steps
from conventions.dossier.models import DossierStep, StepState
from students.history import event_record

from .models import COMPANY_FIELDS, STUDENT_FIELDS, FicheContact, FicheVersion

VISA_STEP = "3"
VISA_VERB = "conventions.step.validate"
CONTENT_FIELDS = (*STUDENT_FIELDS, *COMPANY_FIELDS)
# The employer the fiche names, part of what the head signs: its SIRET (a
# correction of its name or address is no other employer).
EMPLOYER_FIELDS = {
    "employer_siret": ("siret", gettext_lazy("SIRET de l'employeur")),
}


def fiche_content(fiche, company):
    """The fiche's content as a visa signs it: its student and company parts
    and the employer's SIRET."""
    content = {name: getattr(fiche, name) for name in CONTENT_FIELDS}
    for key, (name, _label) in EMPLOYER_FIELDS.items():
        content[key] = getattr(company, name) if company is not None else ""
    return content


def content_fingerprint(content):
    """SHA-256 of the canonical JSON of ``content`` (keys sorted, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_label(key):
    if key in EMPLOYER_FIELDS:
        return capfirst(str(EMPLOYER_FIELDS[key][1]))
    return capfirst(str(FicheContact._meta.get_field(key).verbose_name))


def _shown(value):
    return "—" if value in (None, "") else str(value)


def content_changes(before, after):
    """``[(label, before, after)]`` of the fields that differ, in the fiche's order."""
    keys = [*CONTENT_FIELDS, *EMPLOYER_FIELDS]
    return [
        (content_label(key), _shown(before.get(key)), _shown(after.get(key)))
        for key in keys
        if _shown(before.get(key)) != _shown(after.get(key))
    ]


@dataclass
class Visa:
    """One validation of step 3 and the version it signed (None when that
    version was not kept: a visa older than the versions)."""

    event: object
    version: object = None

    @property
    def at(self):
        return self.event.at

    @property
    def by_name(self):
        actor = self.event.actor
        return actor.get_full_name() or actor.username if actor is not None else ""


@dataclass
class VisaState:
    """Where the fiche stands with its head's visas."""

    visas: list = field(default_factory=list)  # oldest first
    stale: bool = False  # the content changed since the latest visa
    step_validated: bool = False
    changes: list = field(default_factory=list)  # [(label, signed, current)], when the versions were read

    @property
    def latest(self):
        return self.visas[-1] if self.visas else None

    @property
    def in_force(self):
        """The latest visa covers the fiche as it is, and step 3 stands validated."""
        return self.latest is not None and not self.stale and self.step_validated

    @property
    def earlier(self):
        return self.visas[:-1]


def _visa_events(dossier, events):
    if events is None:
        rows = dossier.events.filter(step=VISA_STEP, verb=VISA_VERB).select_related("actor")
    else:
        rows = [event for event in events if event.step == VISA_STEP and event.verb == VISA_VERB]
    return sorted(rows, key=lambda event: event.pk)


def _signed(versions, event):
    """The last version recorded before ``event``; versions without their
    event (kept from before the log recorded them) count as earlier."""
    signed = None
    for version in versions:
        if version.event_id is None or version.event_id < event.pk:
            signed = version
    return signed


def visa_state(dossier, fiche, *, events=None, with_versions=True):
    """The fiche's visas and whether the latest still covers its content.

    ``events``: the dossier's timeline when the page already read it (the
    panel then costs no query); ``with_versions`` reads the versions to bind
    each visa to what it signed and to list what changed since (one query)."""
    state = VisaState()
    step = next((row for row in dossier.steps.all() if row.code == VISA_STEP), None)
    state.step_validated = step is not None and step.state == StepState.VALIDATED
    if fiche is None or fiche.pk is None:
        return state
    rows = _visa_events(dossier, events)
    if not rows:
        return state
    versions = list(fiche.versions.all()) if with_versions else []
    state.visas = [Visa(event=event, version=_signed(versions, event)) for event in rows]
    latest = state.latest
    current = fiche_content(fiche, dossier.company)
    changed_outside = bool(fiche.content_fingerprint) and content_fingerprint(current) != fiche.content_fingerprint
    state.stale = (fiche.content_event_id or 0) > latest.event.pk or changed_outside
    if with_versions and latest.version is not None:
        state.stale = latest.version.fingerprint != content_fingerprint(current)
        if state.stale:
            state.changes = content_changes(latest.version.content, current)
    return state


def version_record(*, fiche, dossier, event, by=None, link=None):
    """DOC-1: after a save of the fiche (``event``), record its content as a
    new version when it changed. When the latest visa signed another
    version, step 3 goes back to the head (validated → handed in): a new
    visa is asked for, the earlier one stays in the history. Runs inside
    the saving service's transaction; returns the new version or None."""
    content = fiche_content(fiche, dossier.company)
    fingerprint = content_fingerprint(content)
    if fingerprint == fiche.content_fingerprint:
        return None
    version = FicheVersion.objects.create(
        fiche=fiche, fingerprint=fingerprint, content=content, event=event, recorded_at=event.at
    )
    latest = visa_state(dossier, fiche).latest
    pointer = event.pk
    if latest is not None and latest.version is not None and latest.version.fingerprint == fingerprint:
        # Back to the very text the head signed: that visa covers it again.
        pointer = latest.version.event_id
    FicheContact.objects.filter(pk=fiche.pk).update(content_fingerprint=fingerprint, content_event_id=pointer)
    fiche.content_fingerprint, fiche.content_event_id = fingerprint, pointer
    if latest is not None and (latest.version is None or latest.version.fingerprint != fingerprint):
        _ask_new_visa(dossier, latest, by=by, link=link)
    return version


def _ask_new_visa(dossier, visa, *, by=None, link=None):
    """Step 3, validated on an earlier version, is handed in again: the head's
    « À faire » lists it (``todo.sources.head_fiches``)."""
    step = DossierStep.objects.select_for_update().filter(dossier=dossier, code=VISA_STEP).first()
    if step is None or step.state != StepState.VALIDATED:
        return
    step.state, step.comment = StepState.SUBMITTED, ""
    step.save(update_fields=["state", "comment", "updated_at"])
    event_record(
        dossier=dossier, actor=by, link=link, verb="conventions.step.submit", step=VISA_STEP,
        from_state=StepState.VALIDATED, to_state=StepState.SUBMITTED,
        summary=_("Étape 3 : validée → soumise. La fiche contact a changé après le visa du %(date)s : "
                  "nouveau visa demandé au responsable de département.") % {"date": long_date(visa.at)},
    )


@transaction.atomic
def fiche_visa_sign(*, dossier, fingerprint, by):
    """DOC-1, step 3: the head signs off the version of the fiche they read
    (``fingerprint``, given with the page). The fiche's row is locked, as
    every save locks it, so no change slips in between: a fiche changed
    since is refused, to be read again. The visa itself is step 3's
    validation (``steps.step_transition``: the head's right, ELIG-9, the
    complete fiche of STEP-6), bound to that version."""
    if not roles.can_validate_step(by, dossier, steps.BY_CODE[VISA_STEP]):
        raise PermissionDenied(_("Seul le responsable du département de l'élève vise sa fiche contact."))
    fiche = FicheContact.objects.select_for_update().filter(dossier=dossier).first()
    step = DossierStep.objects.filter(dossier=dossier, code=VISA_STEP).first()
    if fiche is None or step is None:
        raise ValidationError(_("Cette fiche contact n'est pas encore remplie : rien à viser."))
    company = Company.objects.filter(pk=dossier.company_id).first()
    if fingerprint != content_fingerprint(fiche_content(fiche, company)):
        raise ValidationError(
            _("La fiche a changé depuis que vous l'avez ouverte : relisez-la, puis visez la version affichée.")
        )
    if fingerprint != fiche.content_fingerprint:
        # The content shown differs from the last version recorded (the
        # employer corrected elsewhere): recorded first, so that the visa
        # binds to what the head read.
        event = event_record(dossier=dossier, actor=by, verb="conventions.fiche.version", step=VISA_STEP,
                             summary=_("Fiche contact : version lue par le responsable enregistrée avant son visa."))
        version_record(fiche=fiche, dossier=dossier, event=event, by=by)
    return steps.step_transition(step=step, action=steps.VALIDATE, by=by)
