"""Programme, calendar and students (PROG, CAL).

Departments, options and modules are shipped as initial data from seed §3.4
(migration 0002) and stay editable in the admin. An academic year carries its
own dates (CAL-1), its periods per track (CAL-4) and its yearly settings.
"""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import programme


class Department(models.Model):
    """A département d'enseignement technologique (PROG-1)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable de département"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    # CAL-2 / CAL-3: 26 weeks of PFE everywhere but GCBD (25, with the first
    # week of March taught at school).
    pfe_weeks = models.PositiveSmallIntegerField(
        _("durée du PFE (semaines)"), default=programme.PFE_WEEKS
    )
    march_school_week = models.BooleanField(
        _("première semaine de mars à l'école"), default=False
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ("order", "code")
        constraints = [
            models.CheckConstraint(
                condition=Q(pfe_weeks__gte=1) & Q(pfe_weeks__lte=52),
                name="department_pfe_weeks_range",
                violation_error_message=_("La durée du PFE doit être comprise entre 1 et 52 semaines (CAL-2)."),
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Option(models.Model):
    """An option of a department (PROG-1); ECOMAP and ISERM have none."""

    department = models.ForeignKey(
        Department, verbose_name=_("département"), on_delete=models.CASCADE, related_name="options"
    )
    name = models.CharField(_("nom"), max_length=200)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable d'option"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_options",
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ("department__order", "order", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("department", "name"),
                name="option_unique_name_per_department",
                violation_error_message=_("Ce département a déjà une option de ce nom."),
            ),
        ]

    def __str__(self):
        return self.name


class ModuleQuerySet(models.QuerySet):
    def for_student(self, student):
        """The modules a student follows: the department's common ones and
        those of their option."""
        return self.filter(department=student.department_id).filter(
            Q(option__isnull=True) | Q(option=student.option_id)
        )


class Module(models.Model):
    """A teaching module of a department, or of one of its options (PROG-1)."""

    department = models.ForeignKey(
        Department, verbose_name=_("département"), on_delete=models.CASCADE, related_name="modules"
    )
    option = models.ForeignKey(
        Option,
        verbose_name=_("option"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="modules",
    )
    name = models.CharField(_("intitulé"), max_length=300)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ("department__order", "option__order", "order")

    def __str__(self):
        return self.name

    def clean(self):
        if self.option_id and self.option.department_id != self.department_id:
            raise ValidationError({"option": _("L'option doit appartenir au département du module.")})


class AcademicYearQuerySet(models.QuerySet):
    def current(self, today=None):
        """The year whose 12 months (September N to August N+1) hold ``today``,
        else the latest one (CAL-1)."""
        today = today or timezone.localdate()
        start_year = today.year if today.month >= 9 else today.year - 1
        return self.filter(start_year=start_year).first() or self.order_by("-start_year").first()


class AcademicYear(models.Model):
    """An academic year N/N+1 and its calendar (CAL-1), set by the office."""

    start_year = models.PositiveSmallIntegerField(_("année de début (N)"), unique=True)
    rentree = models.DateField(_("rentrée"))
    s9_end = models.DateField(_("fin du S9"))
    s10_start = models.DateField(_("début du S10"))
    christmas_start = models.DateField(_("début des congés de Noël"))
    christmas_end = models.DateField(_("fin des congés de Noël"))
    pfe_start = models.DateField(_("début du PFE"))
    contract_end = models.DateField(_("fin des contrats"))
    # BILL-1: revisable each year (8 000 € net in 2025-2026).
    training_cost = models.DecimalField(
        _("coût de la formation par salarié (€ net)"), max_digits=8, decimal_places=2
    )
    # Superseded by the dated ``SmicRate`` (DOC-10): no longer read by the
    # pay check; kept so the year's admin form and older data stay valid.
    smic_monthly = models.DecimalField(
        _("SMIC mensuel brut (35 h) de l'année (€)"), max_digits=8, decimal_places=2, default=Decimal("1801.80")
    )
    # ELIG-2 [decision]: a missing SIO warns by default; this makes it block.
    sio_blocking = models.BooleanField(
        _("SIO non validé bloquant"),
        default=False,
        help_text=_("Si coché, un SIO non validé bloque l'accès au contrat pro (ELIG-2)."),
    )

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("année universitaire")
        verbose_name_plural = _("années universitaires")
        ordering = ("-start_year",)
        constraints = [
            models.CheckConstraint(
                condition=Q(rentree__lt=F("s9_end"))
                & Q(s9_end__lt=F("s10_start"))
                & Q(s10_start__lte=F("pfe_start"))
                & Q(pfe_start__lt=F("contract_end")),
                name="academic_year_dates_in_order",
                violation_error_message=_(
                    "Les dates doivent se suivre : rentrée, fin du S9, début du S10, "
                    "début du PFE, fin des contrats (CAL-1)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(christmas_start__lte=F("christmas_end")),
                name="academic_year_christmas_in_order",
                violation_error_message=_("Les congés de Noël doivent finir après leur début (CAL-1)."),
            ),
            models.CheckConstraint(
                condition=Q(training_cost__gte=0),
                name="academic_year_cost_positive",
                violation_error_message=_("Le coût de la formation ne peut pas être négatif (BILL-1)."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return f"{self.start_year}/{self.start_year + 1}"

    @classmethod
    def default_dates(cls, start_year):
        """Dates the seed fixes for year N (CAL-1): S9 ends on 31 December N,
        S10 starts on 1 January N+1, the year ends at the end of August N+1."""
        return {
            "s9_end": datetime.date(start_year, 12, 31),
            "s10_start": datetime.date(start_year + 1, 1, 1),
            "contract_end": datetime.date(start_year + 1, 8, 31),
        }

    def clean(self):
        errors = {}
        if self.start_year and self.rentree and self.rentree.year != self.start_year:
            errors["rentree"] = _("La rentrée doit avoir lieu en %(year)s (CAL-1).") % {"year": self.start_year}
        if self.start_year and self.contract_end:
            if self.contract_end.year != self.start_year + 1:
                errors["contract_end"] = _("La fin des contrats doit tomber en %(year)s (CAL-1).") % {
                    "year": self.start_year + 1
                }
        if self.rentree and self.contract_end and (self.contract_end - self.rentree).days > 366:
            errors["contract_end"] = _("Une année universitaire dure au plus 12 mois (CAL-1).")
        if errors:
            raise ValidationError(errors)

    def periods_for(self, department):
        """Periods of ``department``'s alternation calendar, plus those shared
        by every track (CAL-4)."""
        return self.periods.filter(Q(department=department) | Q(department__isnull=True))


class SmicRateQuerySet(models.QuerySet):
    def on(self, day):
        """The SMIC in force on ``day`` (the latest value dated on or before it);
        the earliest known value for a day before every value."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first() or self.order_by("valid_from").first()


class SmicRate(models.Model):
    """DOC-10, DOMAIN §4: the gross monthly SMIC for 35 h, dated (a year can
    hold several revaluations, e.g. 1 November 2024 and 1 January 2026).
    The office adds a value when a décret revalues it."""

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    monthly_35h = models.DecimalField(_("SMIC mensuel brut pour 35 h (€)"), max_digits=8, decimal_places=2)
    reference = models.CharField(_("texte (décret)"), max_length=100, blank=True)

    objects = SmicRateQuerySet.as_manager()

    class Meta:
        ordering = ("valid_from",)
        verbose_name = _("valeur du SMIC")
        verbose_name_plural = _("valeurs du SMIC")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_35h__gt=0), name="smic_rate_positive",
                violation_error_message=_("Le SMIC mensuel doit être positif."),
            ),
        ]

    def __str__(self):
        return f"{self.valid_from:%d/%m/%Y} : {self.monthly_35h} €"


class CalendarPeriod(models.Model):
    """One period of a year's alternation calendar (CAL-4): school, company,
    PFE, exams or holidays, for one track or (no department) for all."""

    class Kind(models.TextChoices):
        SCHOOL = "ecole", _("Cours à l'école")
        COMPANY = "entreprise", _("Entreprise")
        PE = "pe", _("Projet Entreprise")
        PFE = "pfe", _("Projet de fin d'études")
        EXAM = "examens", _("Examens")
        HOLIDAY = "conges", _("Congés")

    year = models.ForeignKey(
        AcademicYear, verbose_name=_("année"), on_delete=models.CASCADE, related_name="periods"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("département"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Vide : la période vaut pour tous les départements."),
    )
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))

    class Meta:
        verbose_name = _("période du calendrier")
        verbose_name_plural = _("périodes du calendrier")
        ordering = ("year", "start", "department__order")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")),
                name="calendar_period_in_order",
                violation_error_message=_("Une période doit finir après son début (CAL-4)."),
            ),
        ]

    def __str__(self):
        return self.label or self.get_kind_display()


class StudentQuerySet(models.QuerySet):
    def with_programme(self):
        return self.select_related("user", "department", "option", "year")


class Sex(models.TextChoices):
    """The salarié's sex as the CERFA 12434 codes it (DOC-7)."""

    F = "F", _("Féminin")
    M = "M", _("Masculin")


BIRTH_DEPARTMENT = re.compile(r"(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-6]|99)")


def birth_department_code(value):
    """DOC-7: the CERFA's birth department: 01-95, 2A/2B (Corsica), 971-976
    (overseas), 99 (born abroad)."""
    if not BIRTH_DEPARTMENT.fullmatch(value or ""):
        raise ValidationError(_(
            "Indiquez le code du département de naissance : 2 chiffres (30), 2A ou 2B pour la Corse, 971 à 976 "
            "outre-mer, 99 pour une naissance à l'étranger."
        ))


class Student(models.Model):
    """An engineering student of the 3A-M2 year, and the facts eligibility
    needs (seed §4; the rules themselves live in ``students.eligibility``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="student"
    )
    year = models.ForeignKey(
        AcademicYear, verbose_name=_("année"), on_delete=models.PROTECT, related_name="students"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("département"), on_delete=models.PROTECT, related_name="students"
    )
    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.PROTECT, null=True, blank=True, related_name="students"
    )
    student_number = models.CharField(_("numéro étudiant"), max_length=20, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    nationality = models.CharField(_("nationalité"), max_length=80, default="française")
    # The salarié's identity as the CERFA 12434 asks it (DOC-7, DOMAIN §3),
    # also shown on the fiche contact (DOC-1).
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, blank=True)
    birth_place = models.CharField(_("commune de naissance"), max_length=100, blank=True)
    birth_department = models.CharField(
        _("département de naissance"), max_length=3, blank=True, validators=[birth_department_code],
        help_text=_("Code du département : 30, 2A, 971… ; 99 pour une naissance à l'étranger."),
    )
    address = models.TextField(_("adresse postale"), blank=True, help_text=_("Numéro, voie, complément : une ligne chacun."))
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    foreign_national = models.BooleanField(
        _("élève étranger"), default=False, help_text=_("Soumis à un titre de séjour (ELIG-6).")
    )
    # Facts read by the eligibility rules (ELIG-2, 3, 5, 7, 8).
    sio_validated = models.BooleanField(_("SIO validé"), default=False)
    toeic_validated = models.BooleanField(_("TOEIC validé"), default=False)
    international_mobility = models.BooleanField(
        _("mobilité internationale engagée au S9 ou S10"), default=False
    )
    double_diploma_incoming = models.BooleanField(_("double diplôme entrant"), default=False)
    home_institution = models.CharField(_("établissement d'origine"), max_length=200, blank=True)
    home_approval_date = models.DateField(
        _("accord de l'établissement d'origine reçu le"), null=True, blank=True, help_text=_("ELIG-7, étape 3'.")
    )
    scholarship_holder = models.BooleanField(_("boursier"), default=False)
    # ELIG-4: resits pending per semester, and the jury's view on the passage to 3A.
    resit_s5 = models.BooleanField(_("rattrapage en attente au S5"), default=False)
    resit_s6 = models.BooleanField(_("rattrapage en attente au S6"), default=False)
    resit_s7 = models.BooleanField(_("rattrapage en attente au S7"), default=False)
    resit_s8 = models.BooleanField(_("rattrapage en attente au S8"), default=False)
    resit_threatens_3a = models.BooleanField(_("rattrapage menaçant le passage en 3A"), default=False)
    # ELIG-6: residence permit of a foreign student (Code du travail R5221-7).
    internship_2a_over_3_months = models.BooleanField(_("stage de 2A de plus de 3 mois"), default=False)
    permit_work_authorised = models.BooleanField(_("titre de séjour autorisant le travail"), default=False)
    permit_main_activity = models.BooleanField(
        _("travail autorisé à titre principal"), default=False
    )
    permit_expiry = models.DateField(_("fin de validité du titre de séjour"), null=True, blank=True)
    # The verdict of the eligibility rules, kept so that lists filter and
    # count "bloqué" in the database (ELIG-1…10). Written only by
    # ``services.eligibility_verdicts_refresh``: after every change of facts,
    # acknowledgement or override, for rows never evaluated or past
    # ``eligibility_until`` when a list reads them, and nightly for all.
    eligibility_status = models.CharField(
        _("éligibilité"), max_length=8, blank=True, editable=False,
        help_text=_("Vide tant que les règles n'ont pas été évaluées."),
    )
    eligibility_until = models.DateField(
        _("verdict valable jusqu'au"), null=True, blank=True, editable=False,
        help_text=_("Dernier jour où le verdict tient (un titre de séjour qui expire, ELIG-6) ; vide : sans limite."),
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("élève")
        verbose_name_plural = _("élèves")
        ordering = ("user__last_name", "user__first_name")
        indexes = [
            models.Index(fields=("eligibility_status",), name="student_eligibility_status"),
            models.Index(fields=("eligibility_until",), name="student_eligibility_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligibility_status__in=["", "ok", "warning", "blocking"]),
                name="student_eligibility_status_valid",
                violation_error_message=_("Verdict d'éligibilité inconnu (ELIG-1…10)."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return self.user.get_full_name() or self.user.username

    def clean(self):
        if self.option_id and self.department_id and self.option.department_id != self.department_id:
            raise ValidationError({"option": _("Cette option n'appartient pas au département choisi.")})
        if self.double_diploma_incoming and not self.home_institution:
            raise ValidationError(
                {"home_institution": _("Indiquez l'établissement d'origine d'un élève en double diplôme.")}
            )


class InfoMeeting(models.Model):
    """An information meeting on contrats pro and who attended it (ELIG-1)."""

    year = models.ForeignKey(
        AcademicYear, verbose_name=_("année"), on_delete=models.CASCADE, related_name="info_meetings"
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("intitulé"), max_length=200, default=_("Réunion d'information contrats pro"))
    attendees = models.ManyToManyField(
        Student, verbose_name=_("présents"), related_name="info_meetings", blank=True
    )

    class Meta:
        verbose_name = _("réunion d'information")
        verbose_name_plural = _("réunions d'information")
        ordering = ("year", "date")

    def __str__(self):
        return f"{self.label} ({self.date:%d/%m/%Y})"


class EligibilityRecord(models.Model):
    """Shared shape of what people record against one eligibility check: bound
    to the facts the check read (``fingerprint``), it lapses when they change."""

    student = models.ForeignKey(Student, verbose_name=_("élève"), on_delete=models.CASCADE)
    rule = models.CharField(_("règle"), max_length=10)
    fingerprint = models.CharField(_("empreinte des faits"), max_length=64)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ("-at",)


class Acknowledgement(EligibilityRecord):
    """The student read the stated risk and confirmed (ELIG-2, ELIG-3, ELIG-8)."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("texte lu et accepté"))

    class Meta(EligibilityRecord.Meta):
        verbose_name = _("prise de connaissance d'un risque")
        verbose_name_plural = _("prises de connaissance de risques")
        default_related_name = "acknowledgements"


class Override(EligibilityRecord):
    """The office lifted a check, with a written reason (ELIG-10)."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("motif"))
    status_before = models.CharField(_("état levé"), max_length=10)

    class Meta(EligibilityRecord.Meta):
        verbose_name = _("dérogation")
        verbose_name_plural = _("dérogations")
        default_related_name = "overrides"
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="override_reason_required",
                violation_error_message=_("Une dérogation doit être motivée (ELIG-10)."),
            ),
        ]


class EventQuerySet(models.QuerySet):
    def of_student(self, student):
        """The student's whole timeline: their own events and their dossiers'."""
        return self.filter(student=student).select_related("actor")

    def of_dossier(self, dossier):
        """A dossier's timeline: its events and those of its student alone
        (eligibility), not another year's dossier."""
        return self.filter(Q(dossier=dossier) | Q(student_id=dossier.student_id, dossier__isnull=True)).select_related(
            "actor"
        )


class Event(models.Model):
    """The one event log (DATA-4, STEP-3): everything that happens to a
    student or to one of their dossiers — facts edited, a risk accepted, a
    step moved, a document filed, a signature — with its actor, verb
    (``app.entity.verb``), before/after and time, written by the service in
    its transaction (``students.history.event_record``).

    The actor is a school account (``actor``) or an external person acting
    through a personal link (``link``, ROLE-5), whose name and capacity are
    kept as they were at that moment. ``dossier`` is empty for what concerns
    the student alone (eligibility). Lives in the lowest room every event
    concerns, so that each room writes it without importing a higher one.
    """

    student = models.ForeignKey(Student, verbose_name=_("élève"), on_delete=models.CASCADE, related_name="events")
    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    link = models.ForeignKey(
        "conventions.ExternalLink", verbose_name=_("lien personnel utilisé"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="events",
    )
    external_actor = models.CharField(_("personne extérieure"), max_length=200, blank=True)
    external_role = models.CharField(_("qualité de la personne extérieure"), max_length=60, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)
    verb = models.CharField(_("action"), max_length=60)
    summary = models.TextField(_("résumé"))
    changes = models.JSONField(_("changements (avant, après)"), default=dict, blank=True)
    step = models.CharField(_("étape"), max_length=3, blank=True)
    from_state = models.CharField(_("état avant"), max_length=8, blank=True)
    to_state = models.CharField(_("état après"), max_length=8, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ("-at", "-pk")
        indexes = [
            models.Index(fields=("student", "-at"), name="event_student_at"),
            models.Index(fields=("dossier", "-at"), name="event_dossier_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=True) | Q(link__isnull=True),
                name="event_one_kind_of_actor",
                violation_error_message=_("Un événement a pour auteur un compte ou une personne extérieure, pas les deux."),
            ),
        ]

    def __str__(self):
        return self.summary

    @property
    def actor_display(self):
        """Who acted, as the timeline says it: « Anne Salles (entreprise, par
        lien personnel) », a school account's name, or « le portail »."""
        if self.external_actor:
            return _("%(name)s (%(role)s, par lien personnel)") % {
                "name": self.external_actor, "role": self.external_role or _("personne extérieure"),
            }
        if self.actor_id is not None and self.actor is not None:
            return self.actor.get_full_name() or self.actor.username
        return _("le portail")
