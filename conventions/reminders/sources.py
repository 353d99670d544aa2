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
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contratpro.roles import Actor
from conventions.dossier.deadlines import Obligation
from conventions.dossier.models import Dossier, DossierStep, StepState

OPCO_DAYS = 5
OPCO_KEY = "opco:contract"


def opco_obligations(dossiers):
    """One obligation per dossier with a contract start: « send the contract
    to the OPCO » by start + 5 calendar days, for the company. One query."""
    ids = dossiers.values("pk") if isinstance(dossiers, QuerySet) else [getattr(d, "pk", d) for d in dossiers]
    sent = Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), code="4p", state=StepState.VALIDATED))
    rows = Dossier.objects.filter(pk__in=ids, start_date__isnull=False).annotate(sent=sent).values_list("pk", "start_date", "sent")
    for pk, start, done in rows:
        yield Obligation(
            dossier_id=pk, key=OPCO_KEY, label=str(_("Transmettre le contrat de professionnalisation à l'OPCO")),
            actors=frozenset({Actor.COMPANY}), due=start + datetime.timedelta(days=OPCO_DAYS), done=done,
            url=reverse("conventions:dossier-detail", args=[pk]),
        )
