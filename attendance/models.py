"""Class sessions and the carnet de présence (ATT-1, ATT-2).

A ``Session`` is one class, TD or project session of a module, on one day,
for one or more options (none: the whole department of its module). The
carnet of a student holds one line per session they are expected at (a
contrat-pro student: a dossier of the session's year, of its department
and option); a line counts only once *that session's* teacher has signed
the session (``SessionSignature``), which writes one ``Presence`` per
expected student, present or not. A signature is never edited: the office
corrects it with a written reason (``PresenceCorrection``), kept with the
signature and in the event log.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from students.models import AcademicYear, Module, Option, Student


class SessionQuerySet(models.QuerySet):
    def for_list(self):
        """What a list row shows, in one query (the options in a second)."""
        return self.select_related(
            "module", "module__department", "module__option", "teacher", "signature", "signature__signed_by"
        ).prefetch_related("options")


class Session(models.Model):
    """One class, TD or project session (ATT-1), entered by the office or
    imported from the timetable; ``(module, date, start)`` is its natural
    key, so a timetable imported twice writes nothing the second time."""

    class Kind(models.TextChoices):
        COURS = "cours", _("Cours")
        TD = "td", _("TD")
        PROJET = "projet", _("Projet")

    year = models.ForeignKey(AcademicYear, verbose_name=_("année"), on_delete=models.PROTECT, related_name="sessions")
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("nature"), max_length=8, choices=Kind.choices, default=Kind.COURS)
    date = models.DateField(_("date"))
    start = models.TimeField(_("début"))
    end = models.TimeField(_("fin"))
    # Written by the service from start and end: the totals sum it in the database.
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), editable=False)
    room = models.CharField(_("salle"), max_length=60, blank=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enseignant"), on_delete=models.PROTECT, related_name="taught_sessions"
    )
    options = models.ManyToManyField(
        Option, verbose_name=_("options"), blank=True, related_name="sessions",
        help_text=_("Vide : tout le département du module."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ("date", "start", "module__name")
        indexes = [
            models.Index(fields=("year", "date"), name="session_year_date"),
            models.Index(fields=("teacher", "date"), name="session_teacher_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("module", "date", "start"), name="session_natural_key",
                violation_error_message=_("Ce module a déjà une séance ce jour-là à cette heure."),
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="session_start_before_end",
                violation_error_message=_("Une séance finit après son début."),
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0), name="session_minutes_positive",
                violation_error_message=_("Une séance dure au moins une minute."),
            ),
        ]

    def __str__(self):
        return f"{self.module} – {self.get_kind_display()} ({self.date:%d/%m/%Y} {self.start:%H:%M})"

    @property
    def time_label(self):
        """« 9 h – 12 h 30 », as French writes hours."""
        return f"{_clock(self.start)} – {_clock(self.end)}"


def _clock(value):
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


class SessionSignature(models.Model):
    """The teacher's signature of one session (ATT-1): who, when, and the
    SHA-256 of the canonical JSON of what was signed (the session and who was
    present), kept whole in ``content`` so that it can be checked again."""

    session = models.OneToOneField(
        Session, verbose_name=_("séance"), on_delete=models.PROTECT, related_name="signature"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signée par"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signée le"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    content = models.JSONField(_("contenu signé"))

    class Meta:
        verbose_name = _("signature de séance")
        verbose_name_plural = _("signatures de séances")

    def __str__(self):
        return f"{self.session} – {self.signed_by}"


class Presence(models.Model):
    """One signed line of a student's carnet: present or absent at a session."""

    session = models.ForeignKey(Session, verbose_name=_("séance"), on_delete=models.PROTECT, related_name="presences")
    student = models.ForeignKey(Student, verbose_name=_("élève"), on_delete=models.PROTECT, related_name="presences")
    present = models.BooleanField(_("présent"))

    class Meta:
        verbose_name = _("ligne du carnet")
        verbose_name_plural = _("lignes du carnet")
        constraints = [
            models.UniqueConstraint(
                fields=("session", "student"), name="presence_one_per_session_and_student",
                violation_error_message=_("Cet élève a déjà une ligne pour cette séance."),
            ),
        ]

    def __str__(self):
        return f"{self.student} – {self.session}"


class PresenceCorrection(models.Model):
    """The office's correction of a signed session (ATT-1): the reason in
    writing, who was present before and after, and the SHA-256 of the
    corrected content; the signature itself stays as it was signed."""

    signature = models.ForeignKey(
        SessionSignature, verbose_name=_("signature"), on_delete=models.PROTECT, related_name="corrections"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"))
    reason = models.TextField(_("motif"))
    before = models.JSONField(_("présents avant"))
    after = models.JSONField(_("présents après"))
    sha256 = models.CharField(_("empreinte SHA-256 du contenu corrigé"), max_length=64)

    class Meta:
        verbose_name = _("correction d'une séance signée")
        verbose_name_plural = _("corrections de séances signées")
        ordering = ("at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="presence_correction_reason_required",
                violation_error_message=_("Une correction d'une séance signée doit être motivée."),
            ),
        ]

    def __str__(self):
        return f"{self.signature.session} – {self.at:%d/%m/%Y}"


# The subjects' own models (ARCHITECTURE.md: a subject package is small and whole).
from attendance.absences.models import *  # noqa: E402,F401,F403
from attendance.certificates.models import *  # noqa: E402,F401,F403
