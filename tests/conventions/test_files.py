"""Private files of a dossier (DOC-6, STEP-4): uploads typed by content and
opened as what they claim to be, stored under random names outside every
public URL, every version kept, downloaded only through the access check."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from conventions.documents import files
from conventions.documents.models import DocumentKind
from conventions.dossier import steps
from conventions.links import services as links
from conventions.models import Document, ExternalLink
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    return dossier


@pytest.fixture
def student(dossier):
    return dossier.student.user


@pytest.fixture
def direction(db):
    return factories.UserFactory(groups=["Direction"])


@pytest.fixture
def other_student(year):
    return factories.StudentFactory().user


def pdf_bytes(width=595, height=842, pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width, height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt, color="navy"):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(out, fmt)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def deposit(dossier, by, name="fiche.pdf", content=None, kind=DocumentKind.FICHE_CONTACT_SIGNEE, **extra):
    return files.document_upload(
        dossier=dossier, kind=kind, uploaded_file=upload(name, content or pdf_bytes()), by=by, **extra
    )


def upload_url(dossier):
    return reverse("conventions:document-upload", args=[dossier.pk])


def download_url(document):
    return reverse("conventions:document-download", args=[document.pk])


def post_file(client, dossier, name, content, kind=DocumentKind.FICHE_CONTACT_SIGNEE, **data):
    return client.post(upload_url(dossier), {"kind": kind, "file": upload(name, content), **data}, follow=True)


def assert_refused(private_root, dossier, call, match):
    """The upload is refused with ``match`` and leaves neither a row nor a file."""
    before = stored_files(private_root)
    with pytest.raises(ValidationError, match=match):
        call()
    assert not Document.objects.filter(dossier=dossier).exists()
    assert stored_files(private_root) == before


# Accepted files and versions


def test_doc_6_a_new_version_keeps_the_old_one(login, dossier, student, private_root):
    """DOC-6: a second deposit of the same kind is version 2; version 1 stays, both download, with their own SHA-256."""
    client = login(student)
    first, second = pdf_bytes(595, 842), pdf_bytes(842, 595)
    post_file(client, dossier, "fiche.pdf", first)
    response = post_file(client, dossier, "fiche-corrigee.pdf", second, step="3")
    v1, v2 = Document.objects.filter(dossier=dossier).order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.sha256 != v2.sha256
    assert (v2.uploaded_by, v2.step, v2.content_type) == (student, "3", "application/pdf")
    assert b"".join(client.get(download_url(v1)).streaming_content) == first
    assert b"".join(client.get(download_url(v2)).streaming_content) == second
    assert len(stored_files(private_root)) == 2
    assert "Fiche contact signée déposé (version 2)." in response.content.decode()
    assert Event.objects.filter(
        dossier=dossier, verb="conventions.document.upload",
        summary="Document déposé : Fiche contact signée, version 2 (fiche-corrigee.pdf).",
    ).exists()


def test_doc_6_png_and_jpeg_are_accepted(dossier, student):
    """DOC-6: PNG and JPEG images are accepted and typed by their content."""
    png = deposit(dossier, student, "scan.png", image_bytes("PNG"), kind=DocumentKind.CARNET)
    jpeg = deposit(dossier, student, "photo.jpeg", image_bytes("JPEG"), kind=DocumentKind.AUTRE)
    assert (png.content_type, png.original_name, png.version) == ("image/png", "scan.png", 1)
    assert (jpeg.content_type, jpeg.original_name) == ("image/jpeg", "photo.jpeg")


def test_doc_6_the_office_deposits_too(dossier, office):
    """DOC-6: the office deposits a dossier's files (a scan received on paper)."""
    document = deposit(dossier, office, "convention.pdf", kind=DocumentKind.CONVENTION_SIGNEE)
    assert (document.uploaded_by, document.version) == (office, 1)


def test_doc_6_content_decides_the_type_not_the_name(login, dossier, student):
    """DOC-6: a PNG named .pdf is stored and served as a PNG, under a .png name."""
    document = deposit(dossier, student, "scan.pdf", image_bytes("PNG"))
    response = login(student).get(download_url(document))
    assert document.content_type == "image/png"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="scan.png"'


# Hostile uploads


def test_doc_6_html_named_pdf_is_refused(login, dossier, student, private_root):
    """DOC-6: an HTML page named .pdf is refused with a French message; nothing is stored."""
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    response = post_file(login(student), dossier, "fiche.pdf", html, kind=DocumentKind.CONVENTION_SIGNEE)
    content = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/dossiers/{dossier.pk}/?kind=convention_signee#documents")
    assert "Dépôt refusé : Seuls les PDF, PNG et JPEG sont acceptés" in content
    assert '<option value="convention_signee" selected>' in content
    assert not Document.objects.exists()
    assert stored_files(private_root) == []


def test_doc_6_truncated_pdf_is_refused(private_root, dossier, student):
    """DOC-6: a PDF cut in the middle is refused: it must open as a PDF."""
    truncated = pdf_bytes(pages=3)[:400]
    assert_refused(private_root, dossier, lambda: deposit(dossier, student, "fiche.pdf", truncated), "incomplet ou endommagé")


def test_doc_6_pdf_that_does_not_parse_is_refused(private_root, dossier, student):
    """DOC-6: a file starting like a PDF but holding garbage does not open as one."""
    fake = b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n"
    assert_refused(private_root, dossier, lambda: deposit(dossier, student, "fiche.pdf", fake), "ne s'ouvre pas comme un PDF")


def test_doc_6_oversized_file_is_refused(private_root, dossier, student):
    """DOC-6: one byte over the cap is refused, whatever the content."""
    big = pdf_bytes() + b"\0" * files.MAX_BYTES
    assert_refused(private_root, dossier, lambda: deposit(dossier, student, "fiche.pdf", big), "dépasse la taille maximale de 10 Mo")


def test_doc_6_a_file_at_the_cap_is_read_and_checked(dossier, student):
    """DOC-6: exactly at the cap the size passes; the content is still checked (here padding after %%EOF)."""
    pdf = pdf_bytes()
    at_cap = pdf + b" " * (files.MAX_BYTES - len(pdf))
    with pytest.raises(ValidationError, match="incomplet ou endommagé"):
        deposit(dossier, student, "fiche.pdf", at_cap)


def test_doc_6_path_in_the_file_name_is_dropped(dossier, student, private_root, settings):
    """DOC-6: "../../etc/passwd.pdf" is stored under a random name in the private folder; the shown name is cleaned."""
    document = deposit(dossier, student, "../../etc/passwd.pdf")
    path = Path(document.file.path).resolve()
    assert document.original_name == "passwd.pdf"
    assert path.is_relative_to(private_root.resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "passwd" not in document.file.name and "etc" not in document.file.name.split("/")
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/") and len(path.name) == 40
    assert stored_files(private_root) == [path]


def test_doc_6_encrypted_pdf_is_refused(private_root, dossier, student):
    """DOC-6: a password-protected PDF is refused with what to do instead."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert_refused(
        private_root, dossier, lambda: deposit(dossier, student, "fiche.pdf", out.getvalue()),
        "protégé par un mot de passe : déposez une version sans protection",
    )


def test_doc_6_gif_is_refused(private_root, dossier, student):
    """DOC-6: a GIF is not one of the accepted types, even named .png; the
    message says what it is in words, with no MIME type."""
    assert_refused(
        private_root, dossier, lambda: deposit(dossier, student, "scan.png", image_bytes("GIF")),
        r"C'est une image GIF\.",
    )


def test_doc_6_damaged_image_is_refused(private_root, dossier, student):
    """DOC-6: a PNG cut short does not open as an image."""
    assert_refused(
        private_root, dossier, lambda: deposit(dossier, student, "scan.png", image_bytes("PNG")[:60]),
        "image est endommagée",
    )


def test_doc_6_too_many_pages_are_refused(private_root, dossier, student, monkeypatch):
    """DOC-6: the page count is capped."""
    monkeypatch.setattr(files, "MAX_PDF_PAGES", 2)
    assert_refused(
        private_root, dossier, lambda: deposit(dossier, student, "carnet.pdf", pdf_bytes(pages=3)),
        "Ce PDF compte 3 pages ; 2 au plus sont acceptées",
    )


def test_doc_6_empty_file_is_refused(login, dossier, student, private_root):
    """DOC-6: an empty file gets its own message."""
    response = post_file(login(student), dossier, "vide.pdf", b"")
    assert "Dépôt refusé : Ce fichier est vide." in response.content.decode()
    assert stored_files(private_root) == []


def test_doc_6_generated_kinds_are_not_uploaded(private_root, dossier, office):
    """DOC-6: the CERFA pré-rempli, the fiche contact and the convention come from the portal, not from an upload."""
    assert_refused(
        private_root, dossier, lambda: deposit(dossier, office, kind=DocumentKind.CERFA), "produit par le portail"
    )


def test_doc_6_a_step_without_document_is_refused(private_root, dossier, student):
    """STEP-4: only a step that needs a document takes an upload."""
    assert_refused(private_root, dossier, lambda: deposit(dossier, student, step="1"), "n'attend pas de document")


def test_doc_6_clean_name_drops_paths_controls_and_length():
    """DOC-6: the shown name keeps the base name only, without control or bidi characters, bounded."""
    assert files.clean_name("C:\\Users\\léa\\fiche.PDF", "application/pdf") == "fiche.pdf"
    assert files.clean_name("rapport\u202efdp.exe", "application/pdf") == "rapportfdp.exe.pdf"
    assert files.clean_name("a\x00b\nc.pdf", "application/pdf") == "abc.pdf"
    assert files.clean_name("../..", "application/pdf") == "document.pdf"
    assert files.clean_name(".htaccess", "image/png") == "htaccess.png"
    long = files.clean_name("x" * 500 + ".jpeg", "image/jpeg")
    assert len(long) == files.MAX_NAME_LENGTH and long.endswith(".jpeg")


# Who uploads


def test_doc_6_readers_cannot_upload(login, dossier, direction, head, private_root):
    """DOC-6, ROLE-9: the direction and the department head see the dossier but get 403 on upload."""
    for user in (direction, head):
        response = login(user).post(upload_url(dossier), {"kind": DocumentKind.AUTRE, "file": upload("a.pdf", pdf_bytes())})
        assert response.status_code == 403
    assert stored_files(private_root) == []
    assert not Document.objects.exists()


def test_doc_6_another_student_gets_404_on_upload(login, dossier, other_student, private_root):
    """ROLE-9: another student's dossier answers 404, and nothing is stored."""
    response = login(other_student).post(upload_url(dossier), {"kind": DocumentKind.AUTRE, "file": upload("a.pdf", pdf_bytes())})
    assert response.status_code == 404
    assert stored_files(private_root) == []


def test_doc_6_a_link_of_the_dossier_deposits(dossier, office, private_root):
    """DOC-6, ROLE-5: a company person deposits through a personal link of this dossier only."""
    contact = factories.CompanyContactFactory(company=dossier.company)
    link = links.link_create(dossier=dossier, contact=contact, purpose=ExternalLink.Purpose.APPRAISAL, by=office)
    document = deposit(dossier, None, kind=DocumentKind.EVALUATION_TUTEUR, link=link)
    assert (document.uploaded_via, document.uploaded_by) == (link, None)
    other = factories.DossierFactory()
    with pytest.raises(PermissionDenied):
        deposit(other, None, link=link)
    assert not Document.objects.filter(dossier=other).exists()
    assert len(stored_files(private_root)) == 1


# Download


def test_doc_6_owner_downloads_as_attachment(login, dossier, student):
    """DOC-6: the student downloads their file as an attachment, typed, never sniffed."""
    document = deposit(dossier, student, "fiche signée.pdf")
    response = login(student).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "fiche%20sign%C3%A9e.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_doc_6_another_student_gets_404_on_download(login, dossier, student, other_student):
    """ROLE-9: another student's file answers 404, like a missing one."""
    document = deposit(dossier, student)
    assert login(other_student).get(download_url(document)).status_code == 404
    assert login(other_student).get(reverse("conventions:document-download", args=[document.pk + 1000])).status_code == 404


def test_doc_6_department_head_downloads(login, dossier, student, head):
    """DOC-6, ROLE-3: the head of the student's department downloads the dossier's files."""
    document = deposit(dossier, student)
    response = login(head).get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_doc_6_anonymous_download_goes_to_login(client, dossier, student):
    """DOC-6: without a session the download asks to sign in."""
    document = deposit(dossier, student)
    response = client.get(download_url(document))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_doc_6_private_files_have_no_public_url(settings):
    """DOC-6: the private folder is outside the static files and no media URL publishes it."""
    private = Path(settings.PRIVATE_ROOT).resolve()
    assert not private.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not any(private.is_relative_to(Path(d if isinstance(d, str | Path) else d[1]).resolve()) for d in settings.STATICFILES_DIRS)
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"


# The panel


def test_doc_6_panel_offers_the_upload_form_to_the_student(login, dossier, student):
    """DOC-6: the student sees the documents with their version and link, and
    the upload form; the file's fingerprint is evidence for the office only."""
    document = deposit(dossier, student, "fiche.pdf")
    content = login(student).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert 'id="documents"' in content
    assert document.sha256 not in content and "SHA-256" not in content
    assert download_url(document) in content
    assert upload_url(dossier) in content
    assert 'accept=".pdf,.png,.jpg,.jpeg"' in content
    assert '<option value="cerfa"' not in content and '<option value="cerfa_signe"' in content


def test_doc_6_fingerprints_and_types_are_the_office_evidence(login, dossier, student, office):
    """DOC-6: the office reads each file's SHA-256 and recognised type in the
    « éléments de preuve » part of the documents panel."""
    document = deposit(dossier, student, "fiche.pdf")
    content = login(office).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Éléments de preuve" in content
    assert f"application/pdf · SHA-256 <code>{document.sha256}</code>" in content


def test_doc_6_panel_is_read_only_for_the_direction(login, dossier, student, direction):
    """DOC-6: the direction sees and downloads the documents but gets no upload form."""
    document = deposit(dossier, student, "fiche.pdf")
    content = login(direction).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert download_url(document) in content
    assert upload_url(dossier) not in content


def test_doc_6_panel_queries_do_not_grow_with_documents(login, dossier, student, office):
    """DOC-6: the dossier page makes as many queries with 20 documents as with 2 (uploaders read in the same query)."""
    client = login(office)
    url = reverse("conventions:dossier-detail", args=[dossier.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    deposit(dossier, student)
    deposit(dossier, office, kind=DocumentKind.AUTRE)
    count()  # the first page of a session also loads it and the user's roles
    with_two = count()
    for i in range(18):
        deposit(dossier, student if i % 2 else office, content=pdf_bytes(595 + i, 842))
    assert count() == with_two
