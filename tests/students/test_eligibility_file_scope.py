"""Whose eligibility file a person reads (ROLE-4, ROLE-9): a tuteur école
follows their tutee's dossier, never the student's eligibility file (facts,
permit, scholarship), whatever their other roles."""

import pytest
from django.urls import reverse

from conventions.dossier import steps
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def prism_head_tutoring_a_2ia_student(year):
    """The head of PRISM, also tuteur école of a 2IA student."""
    head = factories.UserFactory(groups=["Enseignants"])
    prism = factories.department("PRISM")
    prism.head = head
    prism.save()
    tutee = factories.DossierFactory(tuteur_ecole=head)  # 2IA, the factories' department
    steps.steps_sync(tutee)
    own = factories.DossierFactory(student__department=prism, student__option=None)
    return head, tutee, own


def test_role_4_head_who_tutors_reads_the_tutees_dossier_not_their_eligibility_file(
    login, prism_head_tutoring_a_2ia_student
):
    """ROLE-4, ROLE-9: the tutee's dossier opens; their eligibility file is
    404, its facts form too, the list leaves them out, and the dossier page
    does not link to the file."""
    head, tutee, own = prism_head_tutoring_a_2ia_student
    client = login(head)
    dossier_page = client.get(reverse("conventions:dossier-detail", args=[tutee.pk]))
    assert dossier_page.status_code == 200
    file_url = reverse("students:student-detail", args=[tutee.student.pk])
    assert file_url not in dossier_page.content.decode()
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("students:student-facts", args=[tutee.student.pk])).status_code == 404
    listed = client.get(reverse("students:student-list")).content.decode()
    assert tutee.student.user.last_name not in listed


def test_role_3_head_still_reads_their_departments_files(login, prism_head_tutoring_a_2ia_student):
    """ROLE-3: the same head reads the eligibility file of their own department's student."""
    head, tutee, own = prism_head_tutoring_a_2ia_student
    client = login(head)
    assert client.get(reverse("students:student-detail", args=[own.student.pk])).status_code == 200
    page = client.get(reverse("conventions:dossier-detail", args=[own.pk])).content.decode()
    assert reverse("students:student-detail", args=[own.student.pk]) in page


@pytest.mark.parametrize("group", ["Direction", "Service social", "Scolarité"])
def test_role_7_8_the_direction_social_and_scolarite_read_no_eligibility_file(login, year, group):
    """ROLE-7, ROLE-8, ROLE-9: the direction, service social and scolarité
    follow every dossier without the student's eligibility facts (the
    dossier page's viewpoints hide them): the students' list and file are
    refused, the navigation has no « Élèves », the dossier page no link to
    the file."""
    reader = factories.UserFactory(groups=[group])
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    client = login(reader)
    assert client.get(reverse("students:student-list")).status_code == 403
    file_url = reverse("students:student-detail", args=[dossier.student.pk])
    assert client.get(file_url).status_code in (403, 404)
    page = client.get(reverse("conventions:dossier-detail", args=[dossier.pk]))
    assert page.status_code == 200
    assert file_url not in page.content.decode()
    assert reverse("students:student-list") not in page.content.decode()
