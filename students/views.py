"""Eligibility pages (seed §4): the student's "Mon éligibilité", the office's
and department heads' list of students, a student's checks with the office's
overrides (ELIG-10), and the form of a student's facts. Every view starts
from ``contratpro.roles`` (ROLE-9) and calls one service."""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contratpro import roles
from contratpro.frenchdates import long_date

from . import eligibility, services
from .forms import OverrideForm, StudentFactsForm, StudentFilterForm
from .models import Department, Event, Student

PAGE_SIZE = 25
STATE_FILTER = {
    StudentFilterForm.BLOCKED: eligibility.BLOCKING,
    StudentFilterForm.RISKS: eligibility.WARNING,
    StudentFilterForm.CLEAR: eligibility.OK,
}


# What each state looks like: a word (never colour alone) and a Bootstrap tone.
@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # Bootstrap colour name
    symbol: str
    accent: bool = True  # highlight the check's card: it needs attention


OVERRIDDEN = Badge(gettext_lazy("levé par dérogation"), "info", "↷")
CONFORM = Badge(gettext_lazy("conforme"), "success", "✓", accent=False)
ACCEPTED = Badge(gettext_lazy("risque accepté"), "warning", "!")
TO_ACCEPT = Badge(gettext_lazy("risque à accepter"), "warning", "!")
FLAGGED = Badge(gettext_lazy("risque signalé"), "warning", "!")
BLOCKING = Badge(gettext_lazy("bloquant"), "danger", "✕")

OVERALL = {
    eligibility.BLOCKING: Badge(gettext_lazy("bloqué"), "danger", "✕"),
    "awaiting": Badge(gettext_lazy("risque à accepter"), "warning", "!"),
    eligibility.WARNING: Badge(gettext_lazy("risque signalé"), "warning", "!"),
    eligibility.OK: Badge(gettext_lazy("conforme"), "success", "✓"),
}


def check_badge(check):
    if check.override is not None:
        return OVERRIDDEN
    if check.status == eligibility.OK:
        return CONFORM
    if check.status == eligibility.BLOCKING:
        return BLOCKING
    if check.awaiting_acknowledgement:
        return TO_ACCEPT
    return ACCEPTED if check.acknowledgement is not None else FLAGGED


def overall_badge(result):
    if result.status == eligibility.WARNING and result.awaiting_acknowledgement:
        return OVERALL["awaiting"]
    return OVERALL[result.status]


@dataclass(frozen=True)
class Row:
    """One check as a page shows it."""

    check: object
    badge: Badge
    form: object = None

    @property
    def next_step(self):
        """What to do, while the check is neither conforming nor accepted."""
        if self.check.status == eligibility.OK or self.check.acknowledgement is not None:
            return ""
        return self.check.next_step


def rows_for(result, *, forms=None):
    forms = forms or {}
    return [Row(check, check_badge(check), forms.get(check.rule)) for check in result.checks]


def _dossier_of_year(student):
    """The student's dossier of their year, from the prefetched dossiers."""
    return next((d for d in student.dossiers.all() if d.year_id == student.year_id), None)


def _staff_students(user):
    """Students on the office's and heads' pages: all of them for who sees
    every dossier, their department's or option's for a head (ROLE-2, ROLE-3);
    nobody for the other roles, and never a tutee as such (ROLE-4)."""
    return roles.eligibility_files_for(user)


def sees_students(user):
    """The students list and eligibility files are the office's and the
    department heads' (``roles.eligibility_files_for``)."""
    return roles.Role.OFFICE in roles.roles_of(user) or roles.Role.DEPARTMENT_HEAD in roles.roles_of(user)


# The student's own page (ROLE-1).


def _own_student(user):
    return get_object_or_404(eligibility.students_with_facts(roles.students_for(user)), user=user)


@login_required
def my_eligibility(request):
    """Every check of the student's eligibility, its state and the next
    step; the risks to accept (ELIG-2, 3, 8) and step 1 once nothing blocks."""
    student = _own_student(request.user)
    result = eligibility.evaluate(student)
    return render(
        request,
        "students/my_eligibility.html",
        {
            "student": student,
            "result": result,
            "overall": overall_badge(result),
            "rows": rows_for(result),
            "dossier": _dossier_of_year(student),
        },
    )


@require_POST
@login_required
def acknowledge(request, rule):
    """The student confirms having read the risk of ``rule`` (ELIG-2, 3, 8)."""
    student = _own_student(request.user)
    try:
        ack = services.eligibility_acknowledge(student=student, rule=rule, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Risque accepté le %(date)s. Il reste signalé sur votre dossier tant que la situation ne change pas.")
            % {"date": long_date(ack.at)},
        )
    return redirect(f"{reverse('students:my-eligibility')}#{rule.lower()}")


# The office's and department heads' pages (ROLE-2, ROLE-3).


@login_required
def student_list(request):
    """At a glance, which students are blocked and why (ROLE-2, ROLE-3).
    Filters, counting and pagination happen in the database on the stored
    verdicts (``Student.eligibility_status``), refreshed first for the rows
    that were never evaluated or whose verdict expired today (ELIG-6); the
    rules run in Python for the shown page only, so the page costs the same
    whatever the number of students."""
    if not sees_students(request.user):
        raise PermissionDenied(
            _("Cette liste est réservée au service Contrats pro et aux responsables de département.")
        )
    visible = _staff_students(request.user)
    today = timezone.localdate()
    if services.stale_verdicts(visible, today).exists():
        services.eligibility_verdicts_refresh(services.stale_verdicts(visible, today), today=today)
    form = StudentFilterForm(request.GET or None, departments=_department_choices(request.user, visible))
    queryset = visible
    if form.is_valid():
        for word in form.cleaned_data["q"].split():
            queryset = queryset.filter(
                Q(user__last_name__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(student_number__iexact=word)
            )
        if form.cleaned_data["department"]:
            queryset = queryset.filter(department=form.cleaned_data["department"])
        wanted = STATE_FILTER.get(form.cleaned_data["state"])
        if wanted:
            queryset = queryset.filter(eligibility_status=wanted)
    queryset = eligibility.students_with_facts(queryset.order_by("user__last_name", "user__first_name", "pk"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for student in page.object_list:
        result = eligibility.evaluate(student, today=today)
        rows.append(
            {"student": student, "result": result, "badge": overall_badge(result), "dossier": _dossier_of_year(student)}
        )
    page.object_list = rows
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "students/student_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_import": roles.can_manage_dossiers(request.user),
        },
    )


def _department_choices(user, visible):
    """The departments offered by the filter: all of them to who sees every
    student, else those of the students in the viewer's scope (ROLE-9)."""
    if roles.sees_all(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=visible.values("department"))


def _render_detail(request, student, *, override_forms=None):
    """The student's page; the office gets an override form per check that
    does not conform, ``override_forms`` replacing blank ones (bound, with errors)."""
    result = eligibility.evaluate(student)
    can_manage = roles.can_manage_dossiers(request.user)
    forms = {}
    if can_manage:
        forms = {c.rule: OverrideForm(prefix=c.rule.lower()) for c in result.checks if c.status != eligibility.OK}
        forms.update(override_forms or {})
    return render(
        request,
        "students/student_detail.html",
        {
            "student": student,
            "result": result,
            "overall": overall_badge(result),
            "rows": rows_for(result, forms=forms),
            "dossier": _dossier_of_year(student),
            "events": Event.objects.of_student(student),
            "can_manage": can_manage,
        },
    )


@login_required
def student_detail(request, pk):
    """A student's checks with their state and explanation, the office's
    overrides and the student's history; 404 outside the viewer's scope."""
    student = get_object_or_404(eligibility.students_with_facts(_staff_students(request.user)), pk=pk)
    return _render_detail(request, student)


@require_POST
@login_required
def override(request, pk, rule):
    """The office lifts a check with a written reason (ELIG-10)."""
    student = get_object_or_404(eligibility.students_with_facts(_staff_students(request.user)), pk=pk)
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro peut accorder une dérogation."))
    titles = {c.rule: c.title for c in eligibility.evaluate(student).checks}
    if rule not in titles:
        raise Http404
    form = OverrideForm(request.POST, prefix=rule.lower())
    if form.is_valid():
        try:
            services.eligibility_override(
                student=student, rule=rule, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about the reason (e.g. the check conforms already): say it on the page.
                messages.error(request, " ".join(error.messages))
                return redirect("students:student-detail", pk=student.pk)
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Dérogation enregistrée (%(title)s) : elle figure dans l'historique.") % {"title": titles[rule]}
            )
            return redirect("students:student-detail", pk=student.pk)
    return _render_detail(request, student, override_forms={rule: form})


@login_required
def student_facts(request, pk):
    """The office edits the facts the checks read (ELIG-1…8)."""
    student = get_object_or_404(eligibility.students_with_facts(_staff_students(request.user)), pk=pk)
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro modifie la situation d'un élève."))
    # The form's own validation writes on its instance: it gets a copy, so
    # the service still compares the typed values with the stored facts.
    form = StudentFactsForm(request.POST if request.method == "POST" else None, instance=copy.copy(student))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.student_facts_update(
                student=student,
                values=form.fact_values,
                attended_meetings=form.cleaned_data["attended_meetings"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                labels = ", ".join(_field_label(name) for name in changed)
                messages.success(request, _("Situation mise à jour : %(fields)s.") % {"fields": labels})
            else:
                messages.info(request, _("Aucun changement : la situation était déjà celle-ci."))
            return redirect("students:student-detail", pk=student.pk)
    return render(request, "students/student_facts.html", {"student": student, "form": form})


def _field_label(name):
    if name == "info_meetings":
        return str(_("réunion d'information"))
    return str(Student._meta.get_field(name).verbose_name)
