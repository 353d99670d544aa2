"""factory-boy factories. Departments come from the shipped programme
(migration students.0002), never invented here."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from django.contrib.auth.models import Group

from contratpro.models import User
from contratpro.roles import Group_
from conventions.models import Company, CompanyContact, Dossier
from students.models import AcademicYear, Department, Student


def department(code="2IA"):
    return Department.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@mines-ales.org")
    password = factory.django.Password("motdepasse-de-test")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=Group_(name).value))


class AcademicYearFactory(factory.django.DjangoModelFactory):
    """Year N/N+1 with the seed's fixed dates (CAL-1) and a plausible calendar."""

    class Meta:
        model = AcademicYear
        django_get_or_create = ("start_year",)

    start_year = 2026
    rentree = factory.LazyAttribute(lambda y: datetime.date(y.start_year, 9, 1))
    s9_end = factory.LazyAttribute(lambda y: datetime.date(y.start_year, 12, 31))
    s10_start = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 1, 1))
    christmas_start = factory.LazyAttribute(lambda y: datetime.date(y.start_year, 12, 19))
    christmas_end = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 1, 3))
    pfe_start = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 3, 1))
    contract_end = factory.LazyAttribute(lambda y: datetime.date(y.start_year + 1, 8, 31))
    training_cost = Decimal("8000.00")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    user = factory.SubFactory(UserFactory)
    year = factory.SubFactory(AcademicYearFactory)
    department = factory.LazyFunction(lambda: department("2IA"))
    option = factory.LazyAttribute(lambda s: s.department.options.first())
    student_number = factory.Sequence(lambda n: f"E{20260000 + n}")
    # Eligible by default but for the information meeting, a record of its own (ELIG-1).
    sio_validated = True
    toeic_validated = True


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    # A valid SIRET (Luhn key) per sequence number.
    siret = factory.Sequence(lambda n: valid_siret(n))
    naf = "6201Z"
    idcc = "1486"
    opco = "Atlas"
    address = "12 rue de la République"
    postal_code = "30100"
    city = "Alès"


class CompanyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyContact

    company = factory.SubFactory(CompanyFactory)
    role = CompanyContact.Role.TUTOR
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"contact{n}@entreprise.example")
    # A person recorded by the office: their address is confirmed (ROLE-5).
    # A student's entry goes through the fiche's services, unconfirmed.
    email_confirmed_at = factory.LazyFunction(timezone.now)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    student = factory.SubFactory(StudentFactory)
    year = factory.LazyAttribute(lambda d: d.student.year)
    company = factory.SubFactory(CompanyFactory)
    contract_type = Dossier.ContractType.CDD
    start_date = factory.LazyAttribute(lambda d: d.year.rentree)
    end_date = factory.LazyAttribute(lambda d: d.year.contract_end)


def valid_siret(n):
    """A 14-digit SIRET with a correct Luhn key, distinct for each ``n``."""
    from conventions.companies.validators import luhn_ok

    base = f"{(n % 10**13):013d}"
    for key in "0123456789":
        if luhn_ok(base + key):
            return base + key
    raise AssertionError("unreachable: one key digit always fits")
