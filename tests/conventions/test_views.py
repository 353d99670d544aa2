"""The dossier pages: each role's list, the read-only dossier, access (ROLE-*)."""

import pytest
from django.urls import reverse

from contratpro.models import User
from conventions.models import Company, Dossier
from students.models import Option, Student
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("conventions:dossier-list")


def detail(dossier):
    return reverse("conventions:dossier-detail", args=[dossier.pk])


def make_dossiers(year, count, department_code="2IA"):
    """``count`` dossiers, bulk-created (users, students, companies)."""
    department = factories.department(department_code)
    option = department.options.first()
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"bulk{start + i}", first_name=f"Prénom{i}", last_name=f"Nom{i:04d}") for i in range(count)
    )
    students = Student.objects.bulk_create(
        Student(user=u, year=year, department=department, option=option) for u in users
    )
    companies = Company.objects.bulk_create(
        Company(name=f"Société {start + i}", siret=factories.valid_siret(start + i), address="1 rue", postal_code="30100", city="Alès")
        for i in range(count)
    )
    return Dossier.objects.bulk_create(
        Dossier(student=s, year=year, company=c, contract_type="cdd", start_date=year.rentree, end_date=year.contract_end)
        for s, c in zip(students, companies)
    )


def test_role_2_office_list_shows_all_dossiers_paginated(login, office, year):
    """ROLE-2: the office's list holds every dossier, 25 per page, French labels."""
    make_dossiers(year, 30)
    response = login(office).get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tous les dossiers" in content
    assert "30 dossiers" in content
    assert "Page 1 sur 2" in content
    assert len(response.context["page"].object_list) == 25


def test_role_2_office_list_query_count_does_not_grow_with_rows(login, office, year, django_assert_num_queries):
    """ROLE-2: the office list costs the same number of queries for 10 and for 500 dossiers.

    Queries: the user with their roles (the session comes from the cache), filter choices
    (department, option), count, page rows, the page's step progress, the
    navigation's « À faire » count, the footer's office contact (the
    school's identity, CONTACT-1).
    """
    client = login(office)
    make_dossiers(year, 10)
    with django_assert_num_queries(8) as small:
        client.get(LIST)
    make_dossiers(year, 490)
    with django_assert_num_queries(8) as large:
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 500
    assert len(small.captured_queries) == len(large.captured_queries)


def test_role_2_office_list_filters_by_department_option_company_and_name(login, office, year):
    """ROLE-2: the list filters by department, option, company and searches names."""
    ia = factories.department("2IA")
    alice = factories.DossierFactory(student__user__last_name="Quatremare", student__department=ia)
    bob = factories.DossierFactory(
        student__user__last_name="Ozymandias",
        student__department=ia,
        student__option=Option.objects.get(name="Ingénierie logicielle"),
    )
    carol = factories.DossierFactory(student__department=factories.department("ISERM"), student__option=None)
    client = login(office)

    def shown(**params):
        return set(client.get(LIST, params).context["page"].object_list)

    assert shown() == {alice, bob, carol}
    assert shown(department=ia.pk) == {alice, bob}
    assert shown(option=bob.student.option.pk) == {bob}
    assert shown(company=carol.company.name.upper()) == {carol}
    assert shown(q="quatrem") == {alice}
    assert shown(q="Ozymandias", department=ia.pk) == {bob}


def test_role_3_head_list_is_their_department_and_choices_do_not_leak(login, year):
    """ROLE-3: a department head's list and filter choices stop at their department."""
    head = factories.UserFactory(groups=["Enseignants"])
    ia = factories.department("2IA")
    ia.head = head
    ia.save()
    mine = factories.DossierFactory(student__department=ia)
    other = factories.DossierFactory(student__department=factories.department("GCBD"), student__option=None)
    response = login(head).get(LIST)
    assert set(response.context["page"].object_list) == {mine}
    assert "Dossiers du département 2IA" in response.content.decode()
    assert list(response.context["filter"].form.fields["department"].queryset) == [ia]
    # Searching for the other department's company finds nothing of it.
    response = login(head).get(LIST, {"company": other.company.name})
    assert not response.context["page"].object_list


def test_role_1_student_gets_404_on_another_students_dossier(login, year):
    """ROLE-1, ROLE-9: a student opens their dossier; another's answers 404."""
    mine = factories.DossierFactory()
    theirs = factories.DossierFactory()
    client = login(mine.student.user)
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(reverse("conventions:dossier-detail", args=[999999])).status_code == 404


def test_role_3_head_gets_404_on_another_departments_dossier(login, year):
    """ROLE-3, ROLE-9: a department head opens their department's dossiers; another's answers 404."""
    head = factories.UserFactory(groups=["Enseignants"])
    gcbd = factories.department("GCBD")
    gcbd.head = head
    gcbd.save()
    mine = factories.DossierFactory(student__department=gcbd, student__option=gcbd.options.first())
    theirs = factories.DossierFactory(student__department=factories.department("2IA"))
    client = login(head)
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404


def test_role_4_tutor_sees_tutees_and_404_elsewhere(login, year):
    """ROLE-4, ROLE-9: the tutor's page lists their tutees; other dossiers answer 404."""
    tutor = factories.UserFactory(groups=["Enseignants"])
    tutee = factories.DossierFactory(tuteur_ecole=tutor)
    stranger = factories.DossierFactory()
    client = login(tutor)
    response = client.get(reverse("conventions:tutee-list"))
    assert list(response.context["page"].object_list) == [tutee]
    assert "Mes tutorés" in response.content.decode()
    assert client.get(detail(tutee)).status_code == 200
    assert client.get(detail(stranger)).status_code == 404


def test_role_6_teacher_without_tutee_lands_on_the_sessions_to_sign_and_lists_no_dossier(login, year):
    """ROLE-6: a teacher with no tutee lands on « Mes séances » (the
    sessions they sign) and lists no dossier."""
    factories.DossierFactory()
    teacher = factories.UserFactory(groups=["Enseignants"])
    client = login(teacher)
    assert client.get("/").url == reverse("attendance:my-sessions")
    assert client.get(reverse("attendance:my-sessions")).status_code == 200
    assert not client.get(LIST).context["page"].object_list


def test_role_9_anonymous_is_sent_to_login(client, year):
    """ROLE-9: without signing in, every page sends to the login form."""
    dossier = factories.DossierFactory()
    for url in (LIST, detail(dossier), reverse("conventions:my-dossier"), "/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_role_1_my_dossier_redirects_to_own_dossier(login, year):
    """ROLE-1: "Mon dossier" opens the student's dossier of the current year."""
    dossier = factories.DossierFactory()
    client = login(dossier.student.user)
    assert client.get("/").url == reverse("conventions:my-dossier")
    assert client.get(reverse("conventions:my-dossier")).url == detail(dossier)


def test_role_1_my_dossier_without_dossier_says_what_to_do(login, year):
    """ROLE-1: a student without a dossier is told the first step to take."""
    student = factories.StudentFactory()
    response = login(student.user).get(reverse("conventions:my-dossier"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "pas encore de dossier" in content
    assert "réunion d&#x27;information" in content or "réunion d'information" in content


def test_prog_2_dossier_page_shows_contract_tutors_calendar_and_title(login, office, year):
    """PROG-2, CAL-2: the dossier page shows company, tutors, French dates, hours and the title."""
    tutor = factories.UserFactory(first_name="Hélène", last_name="Vidal")
    dossier = factories.DossierFactory(tuteur_ecole=tutor)
    content = login(office).get(detail(dossier)).content.decode()
    assert dossier.company.name in content
    assert "Hélène Vidal" in content
    assert "1er septembre 2026" in content
    assert "31 août 2027" in content
    assert "RNCP 38677" in content
    assert "480 h de formation" in content
    assert "270 h au S9" in content


def test_cal_3_gcbd_dossier_shows_25_week_pfe_and_march_week(login, office, year):
    """CAL-3: a GCBD dossier shows the 25-week PFE and the March week at school."""
    gcbd = factories.department("GCBD")
    dossier = factories.DossierFactory(student__department=gcbd, student__option=gcbd.options.first())
    content = login(office).get(detail(dossier)).content.decode()
    assert "PFE de 25 semaines" in content
    assert "première semaine de mars" in content


def test_login_page_is_french(client, db):
    """The login form speaks French."""
    content = client.get(reverse("login")).content.decode()
    assert 'lang="fr"' in content
    assert "Se connecter" in content


def test_logout_ends_the_session(login, office):
    """Logging out (POST) invalidates the session."""
    client = login(office)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(LIST).status_code == 302


def test_role_2_the_office_reaches_the_sessions_and_the_carnets_from_the_dossiers(login, office, year):
    """ROLE-2, ATT-1, ATT-2: the office's « Dossiers » page links to the
    timetable's sessions and to the carnets; a head's does not."""
    sessions, carnets = reverse("attendance:session-list"), reverse("attendance:carnet-list")
    page = login(office).get(LIST).content.decode()
    assert f'href="{sessions}"' in page and f'href="{carnets}"' in page
    head = factories.UserFactory(groups=["Enseignants"])
    ia = factories.department("2IA")
    ia.head = head
    ia.save()
    other = login(head).get(LIST).content.decode()
    assert f'href="{sessions}"' not in other and f'href="{carnets}"' not in other
