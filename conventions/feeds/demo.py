"""The feeds' part of ``manage.py demo`` (order 920): the office (« bureau »)
and the student Léa Fontaine (« eleve ») have subscribed their calendar,
through the service, so that « Mon agenda » shows an active address. The
tokens are not kept anywhere (only their digests are): to read a demo
feed, make a new address on the page. A second run writes nothing."""

from django.utils.translation import gettext as _

from . import services

USERNAMES = ("bureau", "eleve")


def build_feeds(context):
    users = [context.users.get(name) or _student_user(context, name) for name in USERNAMES]
    made = 0
    for user in users:
        if user is None or services.active_feed(user) is not None:
            continue
        services.feed_create(user=user, by=user)
        made += 1
    context.tally["created"] += made
    active = sum(1 for user in users if user is not None and services.active_feed(user) is not None)
    context.summary["demarche"].append(_("agendas abonnés : %(n)s") % {"n": active})


def _student_user(context, username):
    student = context.students.get(username)
    return student.user if student is not None else None
