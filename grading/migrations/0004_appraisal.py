import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    """The company tutor's appraisal by personal link (EVAL-1, step B, ROLE-5)."""

    dependencies = [
        ("grading", "0003_pfe"),
        ("conventions", "0012_certificate_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name='Appraisal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answers', models.JSONField(default=dict, verbose_name='réponses par critère')),
                ('overall_comment', models.TextField(blank=True, verbose_name='appréciation générale')),
                ('grade', models.DecimalField(decimal_places=2, max_digits=4, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(Decimal('20'))], verbose_name='note proposée (sur 20)')),
                ('source', models.CharField(choices=[('lien', 'remplie par le tuteur entreprise via son lien personnel')], default='lien', max_length=6, verbose_name='origine')),
                ('filled_by_name', models.CharField(max_length=200, verbose_name='nom de la personne')),
                ('filled_at', models.DateTimeField(verbose_name='remplie le')),
                ('updated_at', models.DateTimeField(verbose_name='dernière modification le')),
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='appraisal', to='conventions.dossier', verbose_name='dossier')),
                ('filled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conventions.companycontact', verbose_name='remplie par')),
                ('link', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conventions.externallink', verbose_name='lien utilisé')),
            ],
            options={
                'verbose_name': "fiche d'évaluation tuteur",
                'verbose_name_plural': "fiches d'évaluation tuteur",
                'constraints': [models.CheckConstraint(condition=models.Q(('grade__gte', 0), ('grade__lte', 20)), name='appraisal_grade_0_20', violation_error_message='La note du tuteur entreprise va de 0 à 20 (EVAL-1).')],
            },
        ),
    ]
