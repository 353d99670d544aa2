"""The demo's certificats de réalisation (CERT-1): the S9 certificate of
each student of the signed timetable's option (attendance/demo.py), issued
by ``bureau`` through the services (not the task), so that ``make run``
shows them with their codes; a dossier that has one is left as it is (a
second run writes nothing)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from attendance.demo import OPTION
from conventions.models import Dossier

from . import services
from .models import Certificate, CertificateKind


def build_certificates(context):
    office, tally = context.users["bureau"], context.tally
    dossiers = Dossier.objects.filter(
        year=context.year, student__department__code=OPTION[0], student__option__name=OPTION[1],
    ).exclude(certificates__kind=CertificateKind.S9).order_by("student__user__last_name", "pk")
    for dossier in dossiers:
        try:
            services.certificate_issue(dossier=dossier, kind=CertificateKind.S9, by=office)
        except ValidationError:
            continue  # a rupture before the S9 end: its own certificate, not the demo's
        tally["created"] += 2  # the certificate and its document
    issued = Certificate.objects.filter(dossier__year=context.year, kind=CertificateKind.S9).count()
    context.summary["demarche"].append(_("certificats de réalisation du S9 : %(count)s") % {"count": issued})
