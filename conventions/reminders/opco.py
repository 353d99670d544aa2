"""The employer's 5 days (DOMAIN.md §3, NOTIF-3): the contract and its annex
sent to the OPCO at the latest 5 calendar days after the contract's start
(Code du travail D6325-1).

The fact is the deposit's day (``OpcoDeposit``), recorded by the office
from the OPCO's acknowledgement or the employer's word; the obligation is
done once it is recorded. Its source is registered in the deadlines
registry (``registrations``): the reminders, the « À faire », the digests
and the calendar feeds read it there.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.frenchdates import long_date
from contratpro.roles import Actor
from conventions.dossier.deadlines import Obligation, dossier_url
from conventions.dossier.models import Dossier
from students.history import event_record

from .models import OpcoDeposit

OPCO_DAYS = 5
OPCO_KEY = "opco:contract"
SOURCE = "conventions.opco"
LABEL = gettext_lazy("Transmettre le contrat de professionnalisation à l'OPCO")


def opco_due(start_date):
    """NOTIF-3: the contract's start + 5 calendar days."""
    return start_date + datetime.timedelta(days=OPCO_DAYS)


def opco_obligations(dossiers, due_between=None):
    """One obligation per dossier with a contract start: « send the contract
    to the OPCO » by start + 5 calendar days, for the company; done once its
    deposit is recorded. One query; within ``due_between``, only the starts
    that make it fall there."""
    ids = dossiers.values("pk") if isinstance(dossiers, QuerySet) else [getattr(d, "pk", d) for d in dossiers]
    deposited = Exists(OpcoDeposit.objects.filter(dossier=OuterRef("pk")))
    rows = Dossier.objects.filter(pk__in=ids, start_date__isnull=False)
    delay = datetime.timedelta(days=OPCO_DAYS)
    if due_between is not None:
        rows = rows.filter(start_date__range=(due_between[0] - delay, due_between[1] - delay))
    label, actors = str(LABEL), frozenset({Actor.COMPANY})
    url = dossier_url("conventions:opco-deposit")
    for pk, start, done in rows.annotate(deposited=deposited).values_list("pk", "start_date", "deposited"):
        yield Obligation(
            dossier_id=pk, key=OPCO_KEY, label=label, actors=actors, due=start + delay, done=done, url=url(pk),
        )


@transaction.atomic
def opco_deposit_record(*, dossier, deposited_on, by):
    """NOTIF-3: the office records the day the employer deposited the
    contract with its OPCO, or corrects it; the event says the day (and the
    former one). Refused: a dossier without a contract start, a day to come."""
    if not roles.can_record_opco_deposit(by):
        raise PermissionDenied(_("Seul le service Contrats pro enregistre le dépôt du contrat à l'OPCO."))
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.start_date is None:
        raise ValidationError(_("Le dossier n'a pas encore de date de début de contrat : il n'y a pas de dépôt à enregistrer."))
    if deposited_on > timezone.localdate():
        raise ValidationError({"deposited_on": _("Le dépôt ne peut pas être daté d'un jour à venir.")})
    deposit = OpcoDeposit.objects.filter(dossier=dossier).first()
    before = deposit.deposited_on if deposit else None
    if deposit is not None and before == deposited_on:
        return deposit
    if deposit is None:
        deposit = OpcoDeposit(dossier=dossier)
    deposit.deposited_on, deposit.recorded_by = deposited_on, by
    deposit.save()
    due = opco_due(dossier.start_date)
    if before is None:
        summary = _("Contrat déposé à l'OPCO le %(date)s.") % {"date": long_date(deposited_on)}
    else:
        summary = _("Date du dépôt du contrat à l'OPCO corrigée : le %(date)s (au lieu du %(before)s).") % {
            "date": long_date(deposited_on), "before": long_date(before)}
    if deposited_on > due:
        summary += " " + _("Après le délai de 5 jours (%(due)s).") % {"due": long_date(due)}
    event_record(
        dossier=dossier, actor=by, verb="conventions.opco_deposit.record", summary=summary,
        changes={"deposited_on": [before.isoformat() if before else None, deposited_on.isoformat()]},
    )
    return deposit
