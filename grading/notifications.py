"""Grading's notification rules (issue 15), registered in conventions'
registry (conventions never imports grading): a grade to enter.

- The S9 report handed in with its four parts (« grading.s9.report_parts »,
  EVAL-2) → the tuteur école, who grades it (EVAL-1); step A's handing-in
  is told here, so the step rule keeps quiet about it.
- A tutor named (« grading.tutor.name », ROLE-3) → the new tuteur école, in
  the inbox: grading mails them itself (``s9.tasks.notify_tutor_named``).
- A defence scheduled or moved (« grading.defence.schedule », PFE-1) → the
  jury, who grades it, in the inbox: grading mails the jury the invitation
  itself (``pfe.tasks.defence_mail_jury``).

The rules read the event's own ``changes`` and the dossier's people: no
model of grading is read here."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conventions.notifications import mail, people, registry
from conventions.notifications.registry import Notice

REPORT_TO_GRADE, TUTOR_NAMED, DEFENCE_SCHEDULED = "report_to_grade", "tutor_named", "defence_scheduled"
REPORT_STEP = "A"


def report_handed_in(event):
    """EVAL-1, EVAL-2: the report is in, the tuteur école grades it."""
    dossier = people.dossier_people(event.dossier_id) if event.dossier_id else None
    if dossier is None or not dossier.tutor:
        return []
    version = (event.changes or {}).get("version")
    return [Notice(
        kind=REPORT_TO_GRADE, users=(dossier.tutor,), url=reverse("grading:s9-report", args=[dossier.pk]),
        title=_("Rapport de Projet Entreprise à noter : %(student)s") % {"student": dossier.student_name},
        body=_("%(student)s a remis son rapport de Projet Entreprise (version %(version)s), ses quatre parties "
               "cochées : il attend votre note sur 20 et votre commentaire.")
        % {"student": dossier.student_name, "version": version or "—"},
    )]


def tutor_named(event):
    """ROLE-3, ROLE-4: the teacher named tuteur école of a dossier."""
    change = (event.changes or {}).get("tuteur_ecole") or [None, None]
    dossier = people.dossier_people(event.dossier_id) if event.dossier_id else None
    if dossier is None or not change[-1]:
        return []
    return [Notice(
        kind=TUTOR_NAMED, users=(change[-1],), mailed_by_room=True,
        url=reverse("conventions:dossier-detail", args=[dossier.pk]),
        title=_("Vous êtes le tuteur école de %(student)s") % {"student": dossier.student_name},
        body=_("Vous suivez son Projet Entreprise et son PFE : vous noterez son rapport du S9."),
    )]


def defence_scheduled(event):
    """PFE-1: the jury of a defence scheduled (or moved) grades it."""
    jury = tuple((event.changes or {}).get("jury") or ())
    dossier = people.dossier_people(event.dossier_id) if event.dossier_id else None
    if dossier is None or not jury:
        return []
    return [Notice(
        kind=DEFENCE_SCHEDULED, users=jury, mailed_by_room=True,
        url=reverse("grading:pfe-dossier", args=[dossier.pk]),
        title=_("Soutenance de PFE de %(student)s : vous êtes du jury") % {"student": dossier.student_name},
        body=event.summary,
    )]


def register_all():
    registry.register("grading.s9.report_parts", report_handed_in)
    registry.submission_told_elsewhere(REPORT_STEP)
    registry.register("grading.tutor.name", tutor_named)
    registry.register("grading.defence.schedule", defence_scheduled)
    registry.register("grading.defence.reschedule", defence_scheduled)
    mail.text(
        REPORT_TO_GRADE, label=gettext_lazy("Notification : rapport du S9 à noter"),
        audience=gettext_lazy("Le tuteur école"),
        title=gettext_lazy("Rapport de Projet Entreprise à noter : %(student)s"),
        body=gettext_lazy("%(student)s a remis son rapport de Projet Entreprise (version 1), ses quatre parties "
                          "cochées : il attend votre note sur 20 et votre commentaire."),
        reader=mail.TUTOR,
    )
