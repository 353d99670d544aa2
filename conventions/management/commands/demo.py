"""``manage.py demo``: the demo year 2026/2027, its calendar and its people.

Runs, in order and in one transaction, the demo builders each room
registers from its ``AppConfig.ready`` (``contratpro.demo``), so that no
room imports a higher one for the demo: conventions builds the year and
its alternation calendar (CAL-1, CAL-4, with GCBD's exception, CAL-3), one
login per role (password ``contratpro-demo``), about thirty students of the
six departments in varied situations, their companies, fiches contact and
dossiers, the year's two information meetings and the démarche as on 21
November 2026 (``conventions.demo``); grading scores the validated steps
of the contracts drawn up (``grading.demo``). Then it prints a summary.

The eligibility facts tell a coherent story (seed §4): the students whose
contract is drawn up pass every blocking check (ELIG-1…8); the blocked
ones have no dossier or are still looking for a company: missed meeting
(ELIG-1), S6 resit (ELIG-4), mobility abroad (ELIG-5), no approval from the
home institution (ELIG-7). Warnings appear throughout: SIO, TOEIC, permit
expiring before the contract ends (ELIG-6), scholarship.

Idempotent: every builder finds its rows by their natural key and writes
only what differs, so a second run writes nothing. With DEBUG off it
refuses a database that holds accounts of its own (production, most
likely) unless ``--force``: it creates a superuser whose password is public.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import demo
from contratpro.accounts import demo as accounts_demo
from contratpro.models import User
from conventions.demo.data import HEADS, LOGINS, PASSWORD, STAFF, STUDENTS, TODAY
from conventions.models import Company, CompanyContact, Dossier, DossierStep, StepState
from conventions.reminders.services import ROBOT_USERNAME
from students.models import Department, Student


class Command(BaseCommand):
    help = gettext_lazy("Crée ou met à jour l'année de démonstration 2026/2027 et ses comptes (idempotent).")

    def add_arguments(self, parser):
        help_text = gettext_lazy("Lancer même sans DEBUG sur une base qui a déjà des comptes (production ?).")
        parser.add_argument("--force", action="store_true", help=help_text)

    def handle(self, *args, force=False, **options):
        demo_usernames = [row[0] for row in STAFF] + [s.username for s in STUDENTS] + list(accounts_demo.USERNAMES)
        demo_usernames.append(ROBOT_USERNAME)  # the reminders' system account, made by the story's sweeps
        if not (settings.DEBUG or force) and User.objects.exclude(username__in=demo_usernames).exists():
            raise CommandError(_(
                "DEBUG est désactivé et cette base contient d'autres comptes que ceux de la démonstration : "
                "la démonstration y créerait un superutilisateur au mot de passe public. Ajoutez --force "
                "si cette base n'est pas celle de production."
            ))
        missing = sorted(set(HEADS) - set(Department.objects.values_list("code", flat=True)))
        if missing:
            message = _("Départements absents (%(codes)s) : lancez d'abord « manage.py migrate » (PROG-1).")
            raise CommandError(message % {"codes": ", ".join(missing)})
        context = demo.DemoContext(options={"force": force, **options})
        with transaction.atomic():
            for builder in demo.builders():
                builder.func(context)
        self.print_summary(context)

    def print_summary(self, context):
        year, tally = context.year, context.tally
        students = Student.objects.filter(year=year)
        dossiers = Dossier.objects.filter(year=year)
        out = self.stdout.write
        out(self.style.SUCCESS(_("Année de démonstration %(year)s prête.") % {"year": year.label}))
        out(_("  Périodes du calendrier : %(count)s") % {"count": year.periods.count()})
        out(_(
            "  Élèves : %(students)s (%(contracts)s contrats établis, %(found)s entreprises trouvées sans "
            "contrat, %(searching)s en recherche d'entreprise, %(none)s sans dossier)"
        ) % {
            "students": students.count(),
            "contracts": dossiers.filter(company__isnull=False).exclude(contract_type="").count(),
            "found": dossiers.filter(company__isnull=False, contract_type="").count(),
            "searching": dossiers.filter(company__isnull=True).count(),
            "none": students.exclude(dossiers__year=year).count(),
        })
        out(_("  Réunions d'information : %(meetings)s (%(present)s élèves présents, %(absent)s absents)") % {
            "meetings": year.info_meetings.count(),
            "present": students.filter(info_meetings__year=year).distinct().count(),
            "absent": students.exclude(info_meetings__year=year).count(),
        })
        out(_("  Entreprises : %(companies)s ; contacts entreprise : %(contacts)s") % {
            "companies": Company.objects.count(), "contacts": CompanyContact.objects.count()})
        self.print_demarche(year, context.summary["demarche"])
        out(_("  Lignes créées : %(created)s ; mises à jour : %(updated)s ; supprimées : %(deleted)s") % {
            "created": tally["created"], "updated": tally["updated"], "deleted": tally["deleted"]})
        out("")
        out(_("Identifiants de démonstration (mot de passe : %(password)s)") % {"password": PASSWORD})
        names = {u.username: u.get_full_name() for u in User.objects.filter(username__in=dict(LOGINS))}
        for username, role in LOGINS:
            out(f"  {username:<12} {role!s:<48} {names[username]}")
        out("  " + _("%(logins)s : responsables des autres départements") % {
            "logins": ", ".join(u for u in HEADS.values() if u != "resp2ia")})
        out("  " + _("eleve02 … eleve%(last)02d : autres élèves, situations variées") % {"last": len(STUDENTS)})

    def print_demarche(self, year, fragments):
        """Where the steps stand on the story's day (STEP-2, STEP-3), then
        what higher rooms' builders add (grading: the conduct grades, SCORE-3)."""
        state = DossierStep.objects.filter(dossier__year=year).aggregate(
            steps=Count("pk"),
            validated=Count("pk", filter=Q(state=StepState.VALIDATED)),
            submitted=Count("pk", filter=Q(state=StepState.SUBMITTED)),
            refused=Count("pk", filter=Q(state=StepState.REFUSED)),
            overdue=Count("pk", filter=Q(deadline__lt=TODAY) & ~Q(state=StepState.VALIDATED)),
        )
        line = _(
            "  Démarche au %(today)s : %(steps)s étapes (validées : %(validated)s, soumises : %(submitted)s, "
            "refusées : %(refused)s, en retard : %(overdue)s)"
        ) % {**state, "today": date_format(TODAY, "SHORT_DATE_FORMAT")}
        self.stdout.write(" ; ".join([line, *fragments]))
