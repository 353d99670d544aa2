"""Absences (ABS-1, ABS-2) and what follows a rupture (ABS-3, NOTIF-3).

Re-exported by attendance/models.py; other attendance models are named
by string (\"attendance.Session\"), never imported here (no cycle).

- ``SickLeave``: an arrêt de travail declared by the student (or the
  office for them), with its dates, the arrêt itself (a private file) and
  when the employer was told; it is the step-E ``Incident`` of kind arrêt.
- ``ExceptionalAbsence``: a one-day absence from class for an unavoidable
  company need, decided by the department head, with its make-up.
- ``RuptureDeclaration``: the office's record that the employer reported
  a rupture to the OPCO (NOTIF-3's 30-day obligation is then done).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ALLOWED_TYPES = ("application/pdf", "image/png", "image/jpeg")


class SickLeave(models.Model):
    """ABS-1: an arrêt de travail. ``told_late`` is written by the service
    from ``start`` and ``employer_told_at`` (the 48 h rule, see
    ``services.told_late``) so that lists filter on it in SQL."""

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="sick_leaves"
    )
    incident = models.OneToOneField(
        "conventions.Incident", verbose_name=_("incident"), on_delete=models.PROTECT, related_name="sick_leave"
    )
    start = models.DateField(_("premier jour de l'arrêt"))
    end = models.DateField(_("dernier jour de l'arrêt"))
    employer_told_at = models.DateTimeField(_("employeur prévenu le"))
    told_late = models.BooleanField(_("employeur prévenu tardivement"), default=False)
    # The arrêt itself, in the private storage (DOC-6): a random name, never under MEDIA_URL.
    file_name = models.CharField(_("fichier"), max_length=200)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type"), max_length=40)
    original_name = models.CharField(_("nom d'origine"), max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déclaré par"), on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("arrêt de travail")
        verbose_name_plural = _("arrêts de travail")
        ordering = ("-start", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")), name="sick_leave_dates_in_order",
                violation_error_message=_("Un arrêt finit le jour de son début ou après (ABS-1)."),
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=ALLOWED_TYPES), name="sick_leave_type_allowed",
                violation_error_message=_("Seuls les PDF, PNG et JPEG sont acceptés (DOC-6)."),
            ),
            # A double POST (or two tabs) declares one arrêt, not two (ABS-1).
            models.UniqueConstraint(
                fields=("dossier", "start"), name="sick_leave_once_per_start",
                violation_error_message=_("Un arrêt commençant ce jour-là est déjà déclaré."),
            ),
        ]

    def __str__(self):
        return f"{self.dossier} – {self.start:%d/%m/%Y}"


class AbsenceState(models.TextChoices):
    REQUESTED = "demandee", _("En attente de décision")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")


class ExceptionalAbsence(models.Model):
    """ABS-2: one day away from class for an unavoidable company need. The
    head decides; during an exam period the service refuses it on the spot
    (``decided_by`` empty, the reason in ``decision_comment``). Once
    accepted, its make-up is tracked until marked done."""

    dossier = models.ForeignKey(
        "conventions.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE,
        related_name="exceptional_absences",
    )
    day = models.DateField(_("jour d'absence"))
    reason = models.TextField(_("motif de l'entreprise"))
    state = models.CharField(_("état"), max_length=10, choices=AbsenceState.choices, default=AbsenceState.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandée par"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidée par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_comment = models.TextField(_("commentaire de la décision"), blank=True)
    makeup_what = models.CharField(_("rattrapage prévu"), max_length=300, blank=True)
    makeup_planned_on = models.DateField(_("rattrapage prévu le"), null=True, blank=True)
    makeup_done_at = models.DateTimeField(_("rattrapage fait le"), null=True, blank=True)
    makeup_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rattrapage constaté par"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("absence exceptionnelle")
        verbose_name_plural = _("absences exceptionnelles")
        ordering = ("-day", "-pk")
        indexes = [models.Index(fields=("state", "day"), name="absence_state_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["demandee", "acceptee", "refusee"]), name="absence_state_valid",
                violation_error_message=_("État de demande inconnu (ABS-2)."),
            ),
            models.CheckConstraint(
                condition=~Q(state="refusee") | ~Q(decision_comment=""), name="absence_refusal_explained",
                violation_error_message=_("Un refus d'absence est motivé (ABS-2)."),
            ),
            models.CheckConstraint(
                condition=Q(makeup_done_at__isnull=True) | Q(state="acceptee"), name="absence_makeup_only_accepted",
                violation_error_message=_("Seule une absence acceptée se rattrape (ABS-2)."),
            ),
            models.UniqueConstraint(
                fields=("dossier", "day"), condition=~Q(state="refusee"), name="absence_one_per_day",
                violation_error_message=_("Une demande existe déjà pour ce jour (ABS-2)."),
            ),
        ]

    def __str__(self):
        return f"{self.dossier} – {self.day:%d/%m/%Y}"

    @property
    def makeup_pending(self):
        """Accepted and not yet made up (ABS-2)."""
        return self.state == AbsenceState.ACCEPTED and self.makeup_done_at is None


class RuptureDeclaration(models.Model):
    """NOTIF-3: the office records that the employer reported the rupture
    (DOMAIN.md §3: within 30 days, to the OPCO, DREETS and URSSAF)."""

    incident = models.OneToOneField(
        "conventions.Incident", verbose_name=_("rupture"), on_delete=models.CASCADE,
        related_name="rupture_declaration",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistrée par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration de la rupture à l'OPCO")
        verbose_name_plural = _("déclarations de rupture à l'OPCO")

    def __str__(self):
        return str(self.incident)


__all__ = ["AbsenceState", "ExceptionalAbsence", "RuptureDeclaration", "SickLeave"]
