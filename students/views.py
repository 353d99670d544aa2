"""Eligibility pages (to be written)."""
from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


my_eligibility = acknowledge = open_dossier = student_list = student_detail = student_facts = override = _todo
