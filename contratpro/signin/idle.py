"""Sessions end after an idle time (AUTH-2).

The last request's time is kept in the session, written at login and then
refreshed at most once a minute: a write on every request would cost a
database write per page (cached_db sessions) for nothing.
"""

import time

from django.conf import settings

LAST_SEEN_KEY = "contratpro_last_seen"
REFRESH_SECONDS = 60


def stamp_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


def idle_limit_seconds():
    return int(settings.CONTRATPRO_SESSION_IDLE_MINUTES) * 60


def check(session, now=None):
    """``"expired"`` when the session has been idle too long, else None;
    refreshes the stored time when it is more than a minute old (a session
    from before this rule gets one now)."""
    now = int(now if now is not None else time.time())
    last_seen = session.get(LAST_SEEN_KEY)
    if isinstance(last_seen, int) and now - last_seen > idle_limit_seconds():
        return "expired"
    if not isinstance(last_seen, int) or now - last_seen >= REFRESH_SECONDS:
        session[LAST_SEEN_KEY] = now
    return None
