"""The weekly digest's page (NOTIF-1): « Récapitulatif », what the next
weekly digest holds for the viewer — the same builder as the mail — and
so the « what is late this week » view of the office and the heads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from contratpro import roles

from . import services


@require_safe
@login_required
def digest_preview(request):
    """The viewer's digest as of today: the office's (every department) for
    the office, a head's departments and options for a head. Links stay
    on the portal (relative). Its query count does not grow with rows."""
    user = request.user
    if not roles.can_read_digest(user):
        raise PermissionDenied
    is_office = roles.Role.OFFICE in roles.roles_of(user)
    today = timezone.localdate()
    digest = services.digest_for_viewer(user, today, is_office=is_office, links=lambda path: path)
    return render(request, "conventions/digest/preview.html", {
        "digest": digest,
        "is_office": is_office,
        "max_lines": services.MAX_LINES,
    })
