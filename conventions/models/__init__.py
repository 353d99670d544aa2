"""Models of the conventions room, one module per subject (STYLE §8)."""

from .dossier import (  # noqa: F401
    OPEN_STATES,
    Company,
    CompanyContact,
    Dossier,
    DossierEvent,
    DossierQuerySet,
    DossierStep,
    Incident,
    StepState,
)
from .documents import Document, ExternalLink, LinkUse, PdfJob, Signature  # noqa: F401
from .forms_data import CerfaData, FicheContact  # noqa: F401
