"""Companies and their people, shared by every dossier that names them (DOC-12).

A company (one SIRET) and each of its people (one e-mail address in that
company) are a single row, whichever dossiers use them, so that the office
sees one employer and the next convention prints one address. What one
dossier types must not rewrite what another dossier relies on:

- the office, and the company itself through its own personal link
  (ROLE-5), change a company or a person directly;
- anyone else (a student typing the fiche contact or the CERFA) changes in
  place only a record no other dossier uses; a change to a shared record
  becomes a ``ChangeProposal`` that the office accepts or rejects, and the
  record stays as it was meanwhile;
- a SIRET that matches another existing company attaches the dossier to it
  unchanged (what differs is proposed);
- a signatory's e-mail address typed by a student is unconfirmed: no
  signing link goes to it before the office confirms it (``contact_confirm_email``).

Every change, proposal and decision is an event of the dossier it came from.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contratpro import roles
from students.history import event_record

from .models import ChangeProposal, Company, CompanyContact

COMPANY_FIELDS = ("name", "siret", "address", "postal_code", "city", "naf", "idcc", "opco")
CONTACT_FIELDS = ("first_name", "last_name", "job_title", "phone")


def company_shared(company, dossier):
    """True when a dossier other than ``dossier`` uses ``company``."""
    return company.pk is not None and company.dossiers.exclude(pk=dossier.pk).exists()


def contact_shared(contact, dossier):
    """True when a dossier other than ``dossier`` names ``contact`` (tutor, signatory or HR)."""
    return contact.pk is not None and any(
        relation.exclude(pk=dossier.pk).exists()
        for relation in (contact.tutored_dossiers, contact.signed_dossiers, contact.hr_dossiers)
    )


def _trusted(by, link):
    """The office and the company's own link change shared records directly (DOC-12)."""
    return link is not None or roles.can_manage_dossiers(by)


def field_label(record, name):
    return str(record._meta.get_field(name).verbose_name)


def record_change(*, record, values, dossier, by=None, link=None):
    """Bring ``record`` (a company or a contact) to ``values`` where they
    differ (empty values leave a field as it is). Applied in place when the
    actor is trusted or no other dossier uses the record; proposed to the
    office otherwise (DOC-12). Returns ``(applied, proposal)``: the fields
    changed in place and the pending proposal, if any."""
    # Compared with the stored row, locked: a ModelForm bound to the record
    # has already written the typed values on the instance in memory.
    record = type(record).objects.select_for_update().get(pk=record.pk)
    differing = {
        name: [getattr(record, name), value]
        for name, value in values.items()
        if value not in (None, "") and getattr(record, name) != value
    }
    if not differing:
        return [], None
    shared = company_shared(record, dossier) if isinstance(record, Company) else contact_shared(record, dossier)
    if _trusted(by, link) or not shared:
        for name, (_before, value) in differing.items():
            setattr(record, name, value)
        record.full_clean(validate_unique=False)
        record.save()
        return list(differing), None
    return [], _propose(record=record, changes=differing, dossier=dossier, by=by)


def _propose(*, record, changes, dossier, by):
    company = record if isinstance(record, Company) else record.company
    contact = None if isinstance(record, Company) else record
    proposal = (
        ChangeProposal.objects.select_for_update()
        .filter(company=company, contact=contact, dossier=dossier, status=ChangeProposal.Status.PENDING)
        .first()
    )
    if proposal is None:
        proposal = ChangeProposal(company=company, contact=contact, dossier=dossier)
    proposal.changes = {name: [str(before), str(after)] for name, (before, after) in changes.items()}
    proposal.proposed_by = by
    proposal.save()
    event_record(
        dossier=dossier, actor=by, verb="conventions.company.propose", changes=proposal.changes,
        summary=_("Modification proposée pour %(record)s (%(fields)s) : le service Contrats pro la validera, "
                  "car d'autres dossiers utilisent cette fiche.")
        % {"record": record, "fields": ", ".join(field_label(record, name) for name in changes)},
    )
    return proposal


def proposals_pending(dossier):
    """How many of the dossier's proposed changes wait for the office (DOC-12)."""
    return ChangeProposal.objects.filter(dossier=dossier, status=ChangeProposal.Status.PENDING).count()


def company_attach(*, dossier, values, by=None, link=None):
    """Make the company of SIRET ``values["siret"]`` the dossier's employer
    (DOC-1, DOC-7, DOC-12) and return it.

    - Another company already has this SIRET: the dossier attaches to it as
      it is; what the dossier typed differently is proposed to the office.
    - The dossier's own company, used by no other dossier: its identity
      (a mistyped SIRET included) is corrected in place.
    - Otherwise a new company is created.

    When the dossier changes company, its contacts are taken again from the
    fiche by the caller. Runs inside the caller's transaction."""
    siret = values["siret"]
    current = Company.objects.filter(pk=dossier.company_id).first() if dossier.company_id else None
    existing = Company.objects.select_for_update().filter(siret=siret).first()
    if existing is None and current is not None and not company_shared(current, dossier):
        record_change(record=current, values=values, dossier=dossier, by=by, link=link)
        current.refresh_from_db()
        return current
    if existing is None:
        company = Company(**values)
        company.full_clean()
        company.save()
        return company
    if existing.pk == getattr(current, "pk", None):
        record_change(record=existing, values=values, dossier=dossier, by=by, link=link)
        existing.refresh_from_db()
    else:
        differing = {name: value for name, value in values.items() if value and getattr(existing, name) != value}
        if differing and _trusted(by, link):
            record_change(record=existing, values=differing, dossier=dossier, by=by, link=link)
            existing.refresh_from_db()
        elif differing:
            _propose(record=existing, changes={n: [getattr(existing, n), v] for n, v in differing.items()},
                     dossier=dossier, by=by)
    return existing


def contact_upsert(*, dossier, company, role, email, first_name, last_name, job_title="", phone="", by=None,
                   link=None):
    """The company's person with this e-mail, or a new one (DOC-12). A
    person keeps the role they were first recorded with (one person may be
    tutor and signatory in a small company). A new address is confirmed at
    once when the office or the company's own link gives it (ROLE-5);
    a student's stays to be confirmed by the office."""
    contact = company.contacts.filter(email__iexact=email).first()
    values = {"first_name": first_name, "last_name": last_name, "job_title": job_title, "phone": phone}
    if contact is None:
        contact = CompanyContact(company=company, role=role, email=email, **{k: v for k, v in values.items() if v})
        if _trusted(by, link):
            contact.email_confirmed_at = timezone.now()
            contact.email_confirmed_by = by if link is None else None
        contact.full_clean()
        contact.save()
        return contact
    record_change(record=contact, values=values, dossier=dossier, by=by, link=link)
    contact.refresh_from_db()
    if link is not None and not contact.email_confirmed:
        # The company itself gives this address through its own link.
        contact.email_confirmed_at = timezone.now()
        contact.save(update_fields=["email_confirmed_at"])
    return contact


@transaction.atomic
def contact_confirm_email(*, contact, dossier, by):
    """ROLE-5, DOC-12: the office confirms that ``contact``'s address is the
    company's (checked with the company, not taken from the student), so
    that a signing link may go to it."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro confirme l'adresse d'un signataire."))
    contact = CompanyContact.objects.select_for_update().get(pk=contact.pk)
    if contact.email_confirmed:
        return contact
    contact.email_confirmed_at = timezone.now()
    contact.email_confirmed_by = by
    contact.save(update_fields=["email_confirmed_at", "email_confirmed_by"])
    event_record(
        dossier=dossier, actor=by, verb="conventions.contact.confirm_email",
        summary=_("Adresse de %(name)s confirmée par le service : %(email)s.")
        % {"name": contact.full_name, "email": contact.email},
    )
    return contact


def _locked_pending(proposal):
    # of=("self",): PostgreSQL locks no row of a nullable joined table (the contact).
    proposal = (
        ChangeProposal.objects.select_for_update(of=("self",)).select_related("company", "contact").get(pk=proposal.pk)
    )
    if proposal.status != ChangeProposal.Status.PENDING:
        raise ValidationError(_("Cette proposition a déjà été traitée (%(status)s).") % {"status": proposal.get_status_display()})
    return proposal


@transaction.atomic
def proposal_accept(*, proposal, by):
    """DOC-12: the office accepts a proposed change: the shared record takes
    it, for every dossier that uses it."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro accepte une modification d'entreprise."))
    proposal = _locked_pending(proposal)
    record = proposal.contact or proposal.company
    if proposal.contact is None and "siret" in proposal.changes:
        other = Company.objects.filter(siret=proposal.changes["siret"][1]).exclude(pk=record.pk).first()
        if other is not None:
            raise ValidationError(_("Ce SIRET est déjà celui de %(name)s : rattachez plutôt le dossier à cette entreprise.")
                                  % {"name": other.name})
    for name, (_before, after) in proposal.changes.items():
        setattr(record, name, after)
    record.full_clean(validate_unique=False)
    record.save()
    proposal.status, proposal.decided_by, proposal.decided_at = ChangeProposal.Status.ACCEPTED, by, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    event_record(
        dossier=proposal.dossier, actor=by, verb="conventions.company.proposal_accept", changes=proposal.changes,
        summary=_("Modification de %(record)s acceptée par le service.") % {"record": record},
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal, by, comment):
    """DOC-12: the office rejects a proposed change, saying why; the shared
    record stays as it was."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro refuse une modification d'entreprise."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Dites à l'élève pourquoi la modification est refusée.")})
    proposal = _locked_pending(proposal)
    proposal.status, proposal.decided_by, proposal.decided_at = ChangeProposal.Status.REJECTED, by, timezone.now()
    proposal.decision_comment = comment
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    event_record(
        dossier=proposal.dossier, actor=by, verb="conventions.company.proposal_reject", comment=comment,
        summary=_("Modification de %(record)s refusée par le service.") % {"record": proposal.contact or proposal.company},
    )
    return proposal
