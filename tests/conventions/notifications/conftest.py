import pytest

from conventions.dossier import steps
from conventions.models import CompanyContact
from tests import factories


@pytest.fixture
def people(year, office, head):
    """A 2IA dossier with its student, tuteur école, signatory and heads;
    a second office member; a direction account."""
    tutor = factories.UserFactory(username="tuteur", first_name="Marc", last_name="Tuteur", groups=["Enseignants"])
    company = factories.CompanyFactory(name="Cévennes Ingénierie SAS")
    signatory = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, first_name="Sophie", last_name="Durand",
        job_title="Directrice des ressources humaines", email="s.durand@cevennes.example",
    )
    student = factories.StudentFactory(user=factories.UserFactory(
        username="lea", first_name="Léa", last_name="Martin", email="lea.martin@mines-ales.org"))
    dossier = factories.DossierFactory(student=student, company=company, signataire=signatory, tuteur_ecole=tutor)
    steps.steps_sync(dossier)
    return {
        "dossier": dossier, "student": student.user, "tutor": tutor, "signatory": signatory, "office": office,
        "office2": factories.UserFactory(username="bureau2", groups=["Service Contrats Pro"]),
        "head": head, "direction": factories.UserFactory(username="direction", groups=["Direction"]),
    }
