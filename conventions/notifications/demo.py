"""The demo's notifications (issue 15): the story's events, recorded
through the services, already left each person's notifications in the
inbox (the listener fires during ``manage.py demo``). This builder, run
after every room's (order 900), keeps them readable:

- the story is in the past: its notifications are not mailed (``mail`` set
  to « dans le portail seulement »; the mails queued at the demo's commit
  then find nothing to send, one UPDATE each, so the demo stays fast and
  the console quiet); those for the daily digest stay for the digest;
- each person keeps their three newest unread, the older ones read, so
  that the inbox shows both, and the header's counters match the rows.

Idempotent: a second run finds nothing to change. Like the events they
come from, the notifications are consequences of the story's acts, not
rows of the story: they are not counted in the demo's tally."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from .models import Notification

UNREAD_KEPT = 3


def build_notifications(context):
    story = Notification.objects.filter(dossier__year=context.year)
    story.filter(mail=Notification.Mail.IMMEDIATE, mailed_at__isnull=True).update(mail=Notification.Mail.NONE)
    ranked = (
        story.filter(recipient__isnull=False, read_at__isnull=True)
        .annotate(rank=Window(RowNumber(), partition_by=[F("recipient_id")], order_by=[F("created_at").desc(), F("pk").desc()]))
        .values_list("pk", "rank")
    )
    older = [pk for pk, rank in ranked if rank > UNREAD_KEPT]
    if older:
        Notification.objects.filter(pk__in=older).update(read_at=F("created_at") + datetime.timedelta(hours=1))
    readers = story.filter(recipient__isnull=False).values("recipient_id")
    counts = dict(
        Notification.objects.filter(recipient__in=readers).values("recipient_id")
        .annotate(n=Count("pk", filter=Q(read_at__isnull=True))).values_list("recipient_id", "n")
    )
    for user_id, unread in get_user_model().objects.filter(pk__in=list(counts)).values_list("pk", "unread_notifications"):
        if unread != counts[user_id]:
            get_user_model().objects.filter(pk=user_id).update(unread_notifications=counts[user_id])
    total = sum(counts.values())
    if total:
        context.summary["demarche"].append(_("notifications non lues dans les boîtes de réception : %(n)s") % {"n": total})
