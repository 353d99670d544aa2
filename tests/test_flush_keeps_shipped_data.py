"""Transactional tests must not leave later tests without the shipped programme."""

import pytest

from students.models import Department


@pytest.mark.django_db(transaction=True)
def test_prog_1_transactional_test_sees_departments():
    """PROG-1: the six departments exist in a transactional test."""
    assert Department.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_prog_1_departments_survive_a_previous_flush():
    """PROG-1: after the previous test's flush, the departments are back."""
    assert Department.objects.count() == 6


@pytest.mark.django_db
def test_prog_1_plain_test_after_flush_sees_departments_and_groups():
    """PROG-1: plain tests after a flush still find departments and role groups."""
    from django.contrib.auth.models import Group

    assert Department.objects.count() == 6
    assert Group.objects.filter(name="Service Contrats Pro").exists()
