"""(being written)"""


def panel_context(request, dossier):
    return None
