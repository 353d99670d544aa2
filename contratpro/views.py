from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import roles


@login_required
def home(request):
    """Send each role to its own page."""
    return redirect(roles.home_url(request.user))


@login_required
def no_role(request):
    """An account with no role in the portal yet (e.g. a teacher who tutors
    nobody): say so and whom to ask."""
    return render(request, "no_role.html")
