"""Query pin of the school's identity page, /ecole/ (DOC-11, STYLE §6): the
same number of queries with 2 and with 20 dated records."""

import pytest
from django.urls import reverse

from contratpro.school.models import SchoolIdentity

pytestmark = pytest.mark.django_db


def dated_records(identity, rows):
    """``rows`` records of the school's identity, one per year from the
    tests' one (``school_identity_complete``), as the office dates a change."""
    for n in range(1, rows):
        identity.pk = None
        identity.valid_from_year += 1
        identity.save()


# /ecole/: 1. the user with their roles; 2. the latest record (the form);
# 3. the dated records, listed; 4. the navigation's « À faire » count (the
# office's queues); 5. the footer's office contact (CONTACT-1).
SCHOOL_PAGE = 5


@pytest.mark.parametrize("rows", [2, 20])
def test_doc_11_school_page_queries_do_not_grow_with_records(login, office, school_identity_complete, rows,
                                                             django_assert_num_queries):
    """DOC-11, STYLE §6: the school's identity page costs the same with 2 or
    20 dated records, each listed."""
    dated_records(school_identity_complete, rows)
    assert SchoolIdentity.objects.count() >= rows
    client = login(office)
    with django_assert_num_queries(SCHOOL_PAGE):
        page = client.get(reverse("school:edit")).content.decode()
    assert page.count("À partir de") >= rows
