"""Deployment checks of the door (``manage.py check --deploy``): links
mailed without a request (invitations, AUTH-1) take the portal's address
from ``CONTRATPRO_PUBLIC_URL``; in production it must be the public HTTPS
address, not the development default."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEVELOPMENT_URL = "http://127.0.0.1:8000"


@register(Tags.security, deploy=True)
def public_url_is_https(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    url = getattr(settings, "CONTRATPRO_PUBLIC_URL", "") or ""
    parts = urlsplit(url)
    if url.rstrip("/") == DEVELOPMENT_URL or parts.scheme != "https" or not parts.hostname:
        return [Warning(
            f"CONTRATPRO_PUBLIC_URL is {url!r}: links mailed to people (invitations) would point there.",
            hint="Set CONTRATPRO_PUBLIC_URL to the portal's public HTTPS address, "
                 "e.g. https://contrats-pro.mines-ales.fr.",
            id="signin.W001",
        )]
    return []
