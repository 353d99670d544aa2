"""The demo's certificats de réalisation (CERT-1): none. The demo's story
day (21 November 2026, attendance/demo.py) falls before the end of the S9
(31 December 2026): a certificate certifies hours realised over a period
that has ended, so no S9 certificate can truthfully exist yet, and the
demo issues nothing. Its summary line says from which day the office can
issue them (the day after the year's S9 end)."""

from django.utils.translation import gettext as _

from contratpro.frenchdates import long_date

from . import services
from .models import CertificateKind


def build_certificates(context):
    period = services.year_period(context.year, CertificateKind.S9)
    context.summary["demarche"].append(_("certificats du S9 : à émettre à partir du %(first)s") % {
        "first": long_date(services.issuable_from(period))})
