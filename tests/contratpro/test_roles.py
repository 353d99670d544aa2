"""ROLE-1…9: what each role sees, decided in one place (contratpro.roles)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from contratpro import roles
from contratpro.roles import Role
from conventions.models import CompanyContact
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(year):
    """Two departments, two students each side, one tutor, one head."""
    head_2ia = factories.UserFactory(username="head2ia", groups=["Enseignants"])
    head_gcbd = factories.UserFactory(username="headgcbd", groups=["Enseignants"])
    ia = factories.department("2IA")
    gcbd = factories.department("GCBD")
    ia.head = head_2ia
    ia.save()
    gcbd.head = head_gcbd
    gcbd.save()
    tutor = factories.UserFactory(username="tutor", groups=["Enseignants"])
    alice = factories.DossierFactory(student__department=ia, tuteur_ecole=tutor)
    bob = factories.DossierFactory(student__department=ia)
    carol = factories.DossierFactory(student__department=gcbd, student__option=None)
    return {"head_2ia": head_2ia, "head_gcbd": head_gcbd, "tutor": tutor, "alice": alice, "bob": bob, "carol": carol}


def test_role_1_student_sees_only_own_dossier(world):
    """ROLE-1: a student's scope is their own dossier, nothing else."""
    alice = world["alice"].student.user
    assert list(roles.dossiers_for(alice)) == [world["alice"]]
    assert list(roles.students_for(alice)) == [world["alice"].student]
    assert roles.roles_of(alice) == {Role.STUDENT}


def test_role_2_office_sees_every_dossier_and_may_manage(world):
    """ROLE-2: the office sees all dossiers and is the one allowed to manage them."""
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    assert set(roles.dossiers_for(office)) == {world["alice"], world["bob"], world["carol"]}
    assert roles.can_manage_dossiers(office)
    assert not roles.can_manage_dossiers(world["alice"].student.user)


def test_role_3_department_head_sees_their_department_only(world):
    """ROLE-3: a department head sees the dossiers of their department."""
    assert set(roles.dossiers_for(world["head_2ia"])) == {world["alice"], world["bob"]}
    assert set(roles.dossiers_for(world["head_gcbd"])) == {world["carol"]}
    assert Role.DEPARTMENT_HEAD in roles.roles_of(world["head_2ia"])


def test_role_3_option_head_sees_their_option(world):
    """ROLE-3: an option head (responsable d'option) sees the dossiers of their option."""
    option_head = factories.UserFactory(groups=["Enseignants"])
    option = world["bob"].student.option
    option.head = option_head
    option.save()
    other_option = factories.DossierFactory(
        student__department=option.department,
        student__option=option.department.options.exclude(pk=option.pk).first(),
    )
    visible = set(roles.dossiers_for(option_head))
    assert world["bob"] in visible
    assert other_option not in visible


def test_role_4_tutor_sees_their_tutees(world):
    """ROLE-4: a tuteur école sees their tutees and nobody else."""
    assert list(roles.dossiers_for(world["tutor"])) == [world["alice"]]
    assert list(roles.students_for(world["tutor"])) == [world["alice"].student]
    assert Role.TUTOR in roles.roles_of(world["tutor"])


def test_role_5_company_people_have_no_account(world):
    """ROLE-5: company tutors and signatories are contacts, not users: they
    cannot sign in and anonymous visitors see nothing."""
    contact = factories.CompanyContactFactory(company=world["alice"].company)
    assert not hasattr(contact, "user")
    assert {f.name for f in CompanyContact._meta.get_fields()}.isdisjoint({"user", "password"})
    assert not roles.dossiers_for(AnonymousUser()).exists()


def test_role_6_teacher_without_tutees_sees_no_dossier(world):
    """ROLE-6: being a teacher gives no sight of dossiers by itself."""
    teacher = factories.UserFactory(groups=["Enseignants"])
    assert roles.roles_of(teacher) == {Role.TEACHER}
    assert not roles.dossiers_for(teacher).exists()


def test_role_7_direction_sees_every_dossier_but_does_not_manage(world):
    """ROLE-7: the direction sees every dossier (it signs conventions) but
    does not do the office's work."""
    direction = factories.UserFactory(groups=["Direction"])
    assert roles.dossiers_for(direction).count() == 3
    assert not roles.can_manage_dossiers(direction)


@pytest.mark.parametrize("group", ["Service social", "Scolarité"])
def test_role_8_social_and_scolarite_read_only(world, group):
    """ROLE-8: service social and scolarité read every dossier, change nothing."""
    reader = factories.UserFactory(groups=[group])
    assert roles.dossiers_for(reader).count() == 3
    assert not roles.can_manage_dossiers(reader)


def test_role_9_inactive_and_anonymous_see_nothing(world):
    """ROLE-9: no role, no data: anonymous and deactivated accounts get empty scopes."""
    office = factories.UserFactory(groups=["Service Contrats Pro"], is_active=False)
    assert not roles.dossiers_for(office).exists()
    assert not roles.students_for(AnonymousUser()).exists()


def test_role_9_roles_are_read_in_one_query(world, django_assert_num_queries):
    """ROLE-9: the chokepoint is cheap: groups and relations in one query, then cached."""
    user = world["head_2ia"]
    with django_assert_num_queries(1):
        roles.roles_of(user)
    with django_assert_num_queries(0):
        roles.roles_of(user)


def test_role_9_the_sign_in_backend_reads_roles_with_the_user(world, django_assert_num_queries):
    """ROLE-9: on each request the user is read with every role they hold,
    in one query; the chokepoint then asks nothing more."""
    from contratpro.backends import PortalBackend

    with django_assert_num_queries(1):
        user = PortalBackend().get_user(world["head_2ia"].pk)
        assert roles.roles_of(user) == {roles.Role.DEPARTMENT_HEAD, roles.Role.TEACHER}
