"""DATA-4: the dossier events now live in ``students.Event`` (copied by
students 0005)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0004_documents_links_signatures"),
        ("students", "0005_event_log"),
    ]

    operations = [
        migrations.DeleteModel(name="DossierEvent"),
    ]
