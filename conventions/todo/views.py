"""The « À faire » page: what awaits the viewer, by section (ROLE-1…8)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from contratpro import roles

from . import queues


@login_required
def todo(request):
    """The viewer's queues, oldest first in each section, with their counts.
    A student's next step is on their dossier page: they are sent there."""
    user = request.user
    user_roles = roles.roles_of(user)
    if not queues.has_queue(user) and roles.Role.STUDENT in user_roles:
        return redirect("conventions:my-dossier")
    found = queues.queues_for(user)
    return render(request, "conventions/todo/todo.html", {
        "queues": found,
        # What waits first, in the sections' order; the empty sections after, in one short list.
        "busy": [q for q in found if q.total],
        "idle": [q for q in found if not q.total],
        "waiting": sum(q.total for q in found if q.section.counted),
        "nothing": not any(q.total for q in found),
        "sees_list": roles.sees_all(user) or roles.Role.DEPARTMENT_HEAD in user_roles,
        "tutors": roles.Role.TUTOR in user_roles,
    })
