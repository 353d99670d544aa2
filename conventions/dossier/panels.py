"""Dossier panels: how higher rooms show their facts on the dossier page.

``grading`` and ``attendance`` may not be imported from here (imports point
one way, ARCHITECTURE.md); they register a panel (a template and a function
building its context) from their ``AppConfig.ready`` instead.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: object  # function(request, dossier) -> dict, or None to hide the panel
    order: int = 100


_PANELS = {}


def register(panel):
    _PANELS[panel.name] = panel
    return panel


def render_context(request, dossier):
    """The panels to show, in order, each with its context."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        context = panel.context(request, dossier)
        if context is not None:
            shown.append({"template": panel.template, "context": context, "name": panel.name})
    return shown
