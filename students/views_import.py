"""Import of the scolarité's spreadsheet (to be written)."""
from django.http import HttpResponse


def import_facts(request):
    return HttpResponse(status=501)


import_template = import_facts
