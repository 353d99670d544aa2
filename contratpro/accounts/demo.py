"""The accounts' part of ``manage.py demo`` (AUTH-1, ``contratpro.demo``):
on the office's people page, a teacher invited and not yet signed in, and a
former teacher's account deactivated by the office. Runs after the staff
builder (it reads the office's account from the context).

Idempotent: the accounts are found by username, the invitation is renewed
only when none is pending, the history is written once. The invitation's
token is not kept anywhere: the office sends a new one from the person's
page to try the link."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from contratpro import roles

from . import services
from .models import AccountEvent, Invitation

DOMAIN = "mines-ales.fr"
INVITED = ("claire.fabre@mines-ales.fr", "Claire", "Fabre")
DEACTIVATED = ("remi.vidal@mines-ales.fr", "Rémi", "Vidal")
USERNAMES = (INVITED[0], DEACTIVATED[0])
DEACTIVATED_ON = datetime.datetime(2026, 10, 2, 9, 30, tzinfo=datetime.UTC)


def _account(email, first_name, last_name, tally, password=None):
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is not None:
        return user, False
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.password = password
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set([roles.ensure_groups()[roles.Group_.TEACHERS]])
    tally["created"] += 1
    return user, True


def build_people(context):
    """AUTH-1: a pending invitation and a deactivated account."""
    office, tally = context.users.get("bureau"), context.tally
    now = timezone.now()
    invited, created = _account(*INVITED, tally)
    if created:
        AccountEvent.objects.create(user=invited, actor=office, verb=services.CREATE, at=now)
        tally["created"] += 1
    pending = Invitation.objects.filter(user=invited, used_at__isnull=True, revoked_at__isnull=True).first()
    if pending is None or pending.expires_at <= now:
        if pending is not None:
            Invitation.objects.filter(pk=pending.pk).update(revoked_at=now)
            tally["updated"] += 1
        token = secrets.token_urlsafe(32)  # thrown away: resend from the page to get a working link
        Invitation.objects.create(user=invited, token_hash=services.token_hash(token), created_at=now,
                                  created_by=office, expires_at=now + services.VALIDITY)
        AccountEvent.objects.create(user=invited, actor=office, verb=services.INVITE, at=now)
        tally["created"] += 2

    gone, created = _account(*DEACTIVATED, tally, password=context.password)
    if created:
        start = DEACTIVATED_ON - datetime.timedelta(days=400)
        AccountEvent.objects.create(user=gone, actor=office, verb=services.CREATE, at=start)
        AccountEvent.objects.create(user=gone, actor=office, verb=services.DEACTIVATE, at=DEACTIVATED_ON)
        tally["created"] += 2
    if gone.is_active or gone.deactivated_at != DEACTIVATED_ON:
        get_user_model().objects.filter(pk=gone.pk).update(
            is_active=False, deactivated_at=DEACTIVATED_ON, deactivated_by=office)
        tally["updated"] += 1
