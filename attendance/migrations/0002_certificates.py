from django.db import migrations


class Migration(migrations.Migration):
    """The certificats de réalisation (CERT-1, CERT-2); placeholder until their models land."""

    dependencies = [("attendance", "0001_sessions_carnet")]

    operations = []
