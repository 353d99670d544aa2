"""The lists' one pager (``templates/_pager.html``): billing's invoices,
certificates and absences render their table through it — the caption,
their header and row partials, the page links keeping the filters, and
the empty message (BILL-2, CERT-1, ABS-1)."""

import datetime
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone

LISTS = (
    "conventions/billing/list.html",
    "attendance/certificates/list.html",
    "attendance/absences/absence_list.html",
)


def _leave(pk):
    user = SimpleNamespace(last_name="Martin", first_name=f"Léa {pk}")
    dossier = SimpleNamespace(student=SimpleNamespace(user=user, department=SimpleNamespace(code="2IA")),
                              company=SimpleNamespace(name="Acme"))
    return SimpleNamespace(pk=pk, dossier_id=pk, dossier=dossier, start=datetime.date(2026, 11, 2),
                           end=datetime.date(2026, 11, 6), told_late=pk == 1, size=2048,
                           employer_told_at=timezone.make_aware(datetime.datetime(2026, 11, 3, 9, 0)))


def test_bill_2_the_three_lists_render_their_table_through_the_pager():
    """BILL-2, CERT-1, ABS-1: each list template includes the one pager,
    with its own head and row partials and its empty message."""
    from pathlib import Path

    from django.conf import settings

    for name in LISTS:
        source = (Path(settings.BASE_DIR) / "templates" / name).read_text()
        assert source.count('{% include "_pager.html"') == 1, name
        assert f'head="{name}#head"' in source and f'row="{name}#row"' in source, name
        assert "<table" not in source, name  # the table is the pager's


def test_bill_2_the_pager_renders_rows_page_links_and_the_empty_message(rf):
    """The absences' rows through the pager: the caption, the header
    cells, one row per object of the page, the next page's link keeping
    the filters; with no row, the list's empty message."""
    page = Paginator([_leave(pk) for pk in range(1, 4)], 2).get_page(1)
    context = {"page": page, "query": "tardifs=1",
               "caption": "Arrêts de travail déclarés", "empty": "Aucun arrêt de travail déclaré.",
               "head": "attendance/absences/absence_list.html#head", "row": "attendance/absences/absence_list.html#row"}
    html = render_to_string("_pager.html", context)
    assert '<caption class="visually-hidden">Arrêts de travail déclarés</caption>' in html
    assert html.count("<th scope=\"col\">") == 4 and html.count("<tr>") == 3  # the head's and 2 rows
    assert "MARTIN Léa 1" in html and "MARTIN Léa 2" in html and "Léa 3" not in html
    assert "Employeur prévenu tardivement" in html and "?tardifs=1&amp;page=2" in html
    empty = render_to_string("_pager.html", {**context, "page": Paginator([], 2).get_page(1)})
    assert "Aucun arrêt de travail déclaré." in empty and "<table" not in empty
