"""The dossier (one contract of one student for one year), its steps and
incidents. The démarche, documents and invoices hang off the dossier."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from conventions.companies.models import Company, CompanyContact
from students.models import AcademicYear, Student


class DossierQuerySet(models.QuerySet):
    def for_list(self):
        """Everything a list row shows, in one query (no query per row)."""
        return self.select_related(
            "student__user", "student__department", "student__option", "year", "company", "tuteur_ecole"
        )

    def for_detail(self):
        return self.for_list().select_related("tuteur_entreprise", "signataire", "hr_contact")


class Dossier(models.Model):
    """One contrat de professionnalisation of one student for one year.

    Opened at step 1, before a company is found: company, contract and
    tutors are filled in as the démarche goes on.
    """

    class ContractType(models.TextChoices):
        CDD = "cdd", _("CDD de 12 mois")
        CDI = "cdi", _("CDI avec 12 mois de professionnalisation")

    student = models.ForeignKey(
        Student, verbose_name=_("élève"), on_delete=models.CASCADE, related_name="dossiers"
    )
    year = models.ForeignKey(
        AcademicYear, verbose_name=_("année"), on_delete=models.PROTECT, related_name="dossiers"
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("entreprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    contract_type = models.CharField(_("type de contrat"), max_length=3, choices=ContractType.choices, blank=True)
    start_date = models.DateField(_("début du contrat"), null=True, blank=True)
    end_date = models.DateField(_("fin du contrat"), null=True, blank=True)
    tuteur_ecole = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tuteur école"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutored_dossiers",
    )
    tuteur_entreprise = models.ForeignKey(
        CompanyContact,
        verbose_name=_("tuteur entreprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutored_dossiers",
    )
    signataire = models.ForeignKey(
        CompanyContact,
        verbose_name=_("signataire de l'entreprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_dossiers",
    )
    hr_contact = models.ForeignKey(
        CompanyContact,
        verbose_name=_("contact RH"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hr_dossiers",
    )
    # ELIG-9: the contract is validated only with the department head's approval.
    head_approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accord du responsable de département"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    head_approval_at = models.DateTimeField(_("accord donné le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ("student__user__last_name", "student__user__first_name")
        constraints = [
            models.UniqueConstraint(
                fields=("student", "year"),
                name="dossier_one_per_student_and_year",
                violation_error_message=_("Cet élève a déjà un dossier pour cette année."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(start_date__lt=F("end_date")),
                name="dossier_contract_dates_in_order",
                violation_error_message=_("La fin du contrat doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(contract_type__in=["", "cdd", "cdi"]),
                name="dossier_contract_type_valid",
                violation_error_message=_("Type de contrat inconnu : CDD de 12 mois ou CDI (STEP-1, étape 4)."),
            ),
        ]

    def __str__(self):
        return f"{self.student} – {self.year}"

    @property
    def situation(self):
        """A short French label of where the dossier stands."""
        if not self.company_id:
            return _("En recherche d'entreprise")
        if not (self.contract_type and self.start_date):
            return _("Entreprise trouvée, contrat à établir")
        return _("Contrat établi")

    def clean(self):
        errors = {}
        if self.student_id and self.year_id and self.student.year_id != self.year_id:
            errors["year"] = _("L'année du dossier doit être celle de l'élève.")
        for field in ("tuteur_entreprise", "signataire", "hr_contact"):
            contact = getattr(self, field)
            if contact is not None and contact.company_id != self.company_id:
                errors[field] = _("Cette personne n'appartient pas à l'entreprise du dossier.")
        if self.start_date and self.end_date:
            # A 12-month contract runs from day D to day D-1 a year later:
            # 11 or 12 calendar months apart.
            months = (self.end_date.year - self.start_date.year) * 12 + self.end_date.month - self.start_date.month
            if not 11 <= months <= 12:
                errors["end_date"] = _(
                    "Le contrat (ou sa période de professionnalisation) dure 12 mois (STEP-1, étape 4)."
                )
        if errors:
            raise ValidationError(errors)


class StepState(models.TextChoices):
    """STEP-3: à faire → soumis → validé, or refusé with a comment (back to work)."""

    TODO = "a_faire", _("À faire")
    SUBMITTED = "soumis", _("Soumis")
    VALIDATED = "valide", _("Validé")
    REFUSED = "refuse", _("Refusé")


OPEN_STATES = (StepState.TODO, StepState.SUBMITTED, StepState.REFUSED)


class DossierStep(models.Model):
    """One step of the démarche for one dossier (STEP-1), present only when
    it applies (STEP-5). ``deadline`` is computed from the year's calendar
    (STEP-2) and stored so lists can count overdue steps in SQL."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("étape"), max_length=3)
    order = models.PositiveSmallIntegerField(_("ordre"))
    state = models.CharField(_("état"), max_length=8, choices=StepState.choices, default=StepState.TODO)
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    comment = models.TextField(_("dernier commentaire"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("étape du dossier")
        verbose_name_plural = _("étapes du dossier")
        ordering = ("dossier", "order")
        # The lists and queues read steps by state: the submitted ones the
        # office checks, the open ones past their deadline (STEP-2, STEP-3).
        indexes = [models.Index(fields=("state", "deadline"), name="dossier_step_state_deadline")]
        constraints = [
            models.UniqueConstraint(
                fields=("dossier", "code"),
                name="dossier_step_unique",
                violation_error_message=_("Cette étape existe déjà pour ce dossier."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["a_faire", "soumis", "valide", "refuse"]),
                name="dossier_step_state_valid",
                violation_error_message=_("État d'étape inconnu (STEP-3)."),
            ),
        ]

    def __str__(self):
        return f"{self.dossier} – {self.code}"


class Incident(models.Model):
    """An incident reported during the contract (ABS-3, step E)."""

    class Kind(models.TextChoices):
        SICK_LEAVE = "arret", _("Arrêt de travail")
        ACCIDENT = "accident", _("Accident")
        RUPTURE = "rupture", _("Rupture du contrat")
        OTHER = "autre", _("Autre")

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signalé par"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    # ABS-3: a rupture ends the démarche only once the office has confirmed it
    # (at once when the office reports it): a student's mistaken report, or a
    # wrong date, must not close a dossier's steps.
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmée par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ("-start",)

    def __str__(self):
        return f"{self.get_kind_display()} ({self.start:%d/%m/%Y})"

    @property
    def awaits_confirmation(self):
        """A rupture the office has not confirmed yet (ABS-3)."""
        return self.kind == self.Kind.RUPTURE and self.confirmed_at is None
