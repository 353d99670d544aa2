"""Models of the conventions room, re-exported from its subject packages
(ARCHITECTURE.md): ``from conventions.models import Dossier`` for other
rooms and tests. Inside the room, each subject imports the models of the
subjects below it directly."""

from conventions.billing.models import (  # noqa: F401
    BillingAgreement,
    Invoice,
    InvoiceBatch,
    InvoiceBatchItem,
    InvoiceCounter,
    Payment,
)
from conventions.cerfa.models import CerfaData  # noqa: F401
from conventions.companies.models import ChangeProposal, Company, CompanyContact  # noqa: F401
from conventions.digest.models import DigestClaim  # noqa: F401
from conventions.documents.models import (  # noqa: F401
    Document,
    DocumentKind,
    PdfJob,
    Signature,
)
from conventions.dossier.models import (  # noqa: F401
    OPEN_STATES,
    Dossier,
    DossierQuerySet,
    DossierStep,
    Incident,
    StepState,
)
from conventions.feeds.models import CalendarFeed  # noqa: F401
from conventions.fiche.models import FicheContact  # noqa: F401
from conventions.links.models import ExternalLink, LinkUse  # noqa: F401
from conventions.mailtexts.models import MailTextVersion  # noqa: F401
from conventions.notifications.models import Notification  # noqa: F401
from conventions.reminders.models import OpcoDeposit, ReminderClaim, ReminderPolicy  # noqa: F401
