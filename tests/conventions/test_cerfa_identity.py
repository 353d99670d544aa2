"""DOC-7: the salarié's identity the CERFA 12434 asks (sex, birthplace,
postal address), kept on the student and checked as the form's notice says."""

import pytest
from django.core.exceptions import ValidationError

from students.models import birth_department_code


@pytest.mark.parametrize("code", ["01", "30", "2A", "2B", "95", "971", "976", "99"])
def test_doc_7_birth_department_codes_of_the_notice_are_accepted(code):
    """DOC-7: 01 to 95, 2A and 2B for Corsica, 971 to 976 overseas, 99 abroad."""
    assert birth_department_code(code) is None


@pytest.mark.parametrize("code", ["20", "00", "96", "977", "2C", "3", "300", "fr"])
def test_doc_7_a_birth_department_outside_the_notice_is_refused_in_french(code):
    """DOC-7: 20 (split into 2A/2B in 1976), 96, 977 or a letter are no department of the CERFA."""
    with pytest.raises(ValidationError, match="code du département de naissance"):
        birth_department_code(code)
