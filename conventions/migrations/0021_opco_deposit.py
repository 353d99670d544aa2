import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The contract's deposit with the OPCO (issue 15, NOTIF-3)."""

    dependencies = [
        ('conventions', '0020_digest'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='OpcoDeposit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deposited_on', models.DateField(verbose_name="contrat déposé à l'OPCO le")),
                ('recorded_at', models.DateTimeField(auto_now=True, verbose_name='enregistré le')),
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='opco_deposit', to='conventions.dossier', verbose_name='dossier')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistré par')),
            ],
            options={
                'verbose_name': "dépôt du contrat à l'OPCO",
                'verbose_name_plural': "dépôts des contrats à l'OPCO",
            },
        ),
    ]
