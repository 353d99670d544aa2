"""The transmission subject's part of ``manage.py demo`` (ROLE-8, EVAL-2),
order 880, after the S9 grades (850), the PFE (860) and the appraisal.

The tuteur école transmits the complete S9 grades of their tutees (EVAL-2,
``s9_transmit``), then the office sends the scolarité the grades of the
department those dossiers belong to, through ``transmission_send``: the
scolarité's page (login ``scolarite``) shows one transmission to download.
A second run writes nothing (the same grades are never sent twice)."""

from django.utils.translation import gettext as _

from conventions.demo.story import story_dossiers
from grading.s9 import services as s9

from . import services
from .models import S9State, ScolariteTransmission


def build_transmission(context):
    office = context.users.get("bureau")
    if office is None or "scolarite" not in context.users:
        return
    year = context.year
    dossiers = {d.pk: d for d in story_dossiers(year)}
    complete = [row for row in services.grade_rows(services.scope_dossiers(year, None))
                if row.dossier_id in dossiers and row.s9_state != S9State.TO_COME]
    if not complete:
        return
    for row in complete:
        dossier = dossiers[row.dossier_id]
        if row.s9_state == S9State.NOT_TRANSMITTED and dossier.tuteur_ecole is not None:
            s9.s9_transmit(dossier=dossier, by=dossier.tuteur_ecole)
            context.tally["updated"] += 1
    department = dossiers[complete[0].dossier_id].student.department
    sent = ScolariteTransmission.objects.filter(year=year, department=department).first()
    if sent is None:
        sent = services.transmission_send(year=year, department=department, by=office)
        context.tally["created"] += 1
    context.summary["demarche"].append(
        _("notes transmises à la scolarité : %(dept)s, %(n)s dossiers") % {"dept": department.code, "n": sent.rows}
    )
