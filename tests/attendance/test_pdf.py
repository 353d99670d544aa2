"""The printable carnet (ATT-1, ATT-2): blocks by month, the totals, a PDF."""

import datetime
import io

import pytest
from pypdf import PdfReader

from attendance import pdf, services

pytestmark = pytest.mark.django_db


def test_att_2_carnet_pdf_prints_the_signed_lines_and_totals(make_session, students, teacher, clock):
    """ATT-1, ATT-2: the carnet's PDF lists each signed session by month with
    its presence and signer, and the hours per semester; an unsigned one to
    come is absent, a past one is printed as not counted."""
    clock(datetime.date(2026, 11, 23), datetime.time(18))
    services.session_sign(session=make_session(), present=[students[0]], by=teacher)
    services.session_sign(session=make_session(day=datetime.date(2026, 11, 23)), present=[], by=teacher)
    make_session(day=datetime.date(2026, 11, 24), room="Nonsignee")
    make_session(day=datetime.date(2026, 11, 20), room="Passee")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.carnet_pdf(students[0]))).pages)
    assert "CARNET DE PRÉSENCE" in text and "Octobre 2026" in text and "Novembre 2026" in text
    assert "3 h" in text and "signées au S9 sur 270 h" in text
    assert text.count("signée par Alice Martel le") == 2 and "absent" in text
    assert "vendredi 20 novembre" in text and "non signée par Alice Martel : ne compte pas" in text
    assert "mardi 24 novembre" not in text


def test_att_2_carnet_pdf_context_queries_do_not_grow(make_session, students, teacher, django_assert_num_queries):
    """STYLE §6: the carnet's data cost the same with 1 or 10 signed sessions."""
    services.session_sign(session=make_session(), present=students, by=teacher)
    # 1. the signed lines with session, module and signer; 2. the past sessions
    # not signed, with module and teacher; 3. the school's identity; 4. the totals.
    with django_assert_num_queries(4):
        pdf.carnet_context(students[0])
    for n in range(1, 10):
        services.session_sign(session=make_session(day=datetime.date(2026, 10, 5 + n)), present=students, by=teacher)
    with django_assert_num_queries(4):
        assert len(pdf.carnet_context(students[0])["months"][0]["lines"]) == 10
