"""The employer's 5 days (DOMAIN.md §3, NOTIF-3): the contract and its annex
sent to the OPCO at the latest 5 calendar days after the contract's start
(Code du travail D6325-1).

No room records the OPCO deposit yet: this obligation counts as done once
step 4' is validated (the office holds the signed CERFA, which the
employer deposits with its OPCO when it signs it). It is read by the
reminders' sweep only, not registered in the deadlines registry, so the
pages that read the registry keep their pinned query counts; registering it
there is one line in ``registrations.py`` once those pins are raised.
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from contratpro.roles import Actor
from conventions.dossier.deadlines import Obligation, dossier_url
from conventions.dossier.models import Dossier, DossierStep, StepState

OPCO_DAYS = 5
OPCO_KEY = "opco:contract"


def opco_obligations(dossiers, due_between=None):
    """One obligation per dossier with a contract start: « send the contract
    to the OPCO » by start + 5 calendar days, for the company. One query;
    within ``due_between``, only the starts that make it fall there."""
    ids = dossiers.values("pk") if isinstance(dossiers, QuerySet) else [getattr(d, "pk", d) for d in dossiers]
    sent = Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), code="4p", state=StepState.VALIDATED))
    rows = Dossier.objects.filter(pk__in=ids, start_date__isnull=False)
    delay = datetime.timedelta(days=OPCO_DAYS)
    if due_between is not None:
        rows = rows.filter(start_date__range=(due_between[0] - delay, due_between[1] - delay))
    label, actors = str(_("Transmettre le contrat de professionnalisation à l'OPCO")), frozenset({Actor.COMPANY})
    url = dossier_url("conventions:dossier-detail")
    for pk, start, done in rows.annotate(sent=sent).values_list("pk", "start_date", "sent"):
        yield Obligation(
            dossier_id=pk, key=OPCO_KEY, label=label, actors=actors, due=start + delay, done=done, url=url(pk),
        )
