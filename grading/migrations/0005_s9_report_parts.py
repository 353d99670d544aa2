import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The S9 report's four parts ticked by the student (EVAL-2, step A)."""

    dependencies = [
        ("grading", "0004_appraisal"),
        ("conventions", "0013_incident_confirmation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportParts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('context', models.BooleanField(default=False, verbose_name="Présentation du projet dans son contexte (l'entreprise et son environnement économique)")),
                ('first_results', models.BooleanField(default=False, verbose_name='Bilan des premiers travaux effectués')),
                ('outlook', models.BooleanField(default=False, verbose_name='Perspectives (définition du projet final et déroulement prévisionnel) — le sujet du PFE doit être défini précisément (fiche contact PFE)')),
                ('contribution', models.BooleanField(default=False, verbose_name='Ce que vous a apporté cette première phase')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='le')),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='déclarées par')),
                ('document', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='report_parts', to='conventions.document', verbose_name='version du rapport')),
            ],
            options={
                'verbose_name': 'parties du rapport du S9',
                'verbose_name_plural': 'parties des rapports du S9',
                'constraints': [models.CheckConstraint(condition=models.Q(('context', True), ('first_results', True), ('outlook', True), ('contribution', True)), name='s9_report_four_parts', violation_error_message='Le rapport du S9 se remet avec ses quatre parties cochées (EVAL-2).')],
            },
        ),
    ]
