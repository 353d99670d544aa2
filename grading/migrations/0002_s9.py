import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Tutors and the S9 Projet Entreprise (ROLE-3, EVAL-1…3): the S9 grades and each year's ECTS threshold."""

    dependencies = [
        ('conventions', '0012_certificate_kind'),
        ('grading', '0001_bareme_and_scores'),
        ('students', '0009_student_identity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='S9Evaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('report_grade', models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('20'))], verbose_name='note du rapport')),
                ('report_comment', models.TextField(blank=True, verbose_name='commentaire sur le rapport')),
                ('report_at', models.DateTimeField(blank=True, null=True, verbose_name='rapport noté le')),
                ('appraisal_grade', models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('20'))], verbose_name='note du tuteur entreprise')),
                ('appraisal_source', models.CharField(blank=True, choices=[('papier', 'saisie depuis la fiche papier'), ('lien', 'remplie par le tuteur entreprise')], max_length=6, verbose_name="origine de l'évaluation")),
                ('appraisal_at', models.DateTimeField(blank=True, null=True, verbose_name='évaluation saisie le')),
                ('transmitted_at', models.DateTimeField(blank=True, null=True, verbose_name='transmise à la scolarité le')),
                ('appraisal_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='évaluation saisie par')),
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='s9_evaluation', to='conventions.dossier', verbose_name='dossier')),
                ('report_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='rapport noté par')),
                ('transmitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='transmise par')),
            ],
            options={
                'verbose_name': 'évaluation du S9',
                'verbose_name_plural': 'évaluations du S9',
                'constraints': [models.CheckConstraint(condition=models.Q(('report_grade__isnull', True), models.Q(('report_grade__gte', 0), ('report_grade__lte', 20)), _connector='OR'), name='s9_report_grade_0_20', violation_error_message='La note du rapport va de 0 à 20 (EVAL-1).'), models.CheckConstraint(condition=models.Q(('appraisal_grade__isnull', True), models.Q(('appraisal_grade__gte', 0), ('appraisal_grade__lte', 20)), _connector='OR'), name='s9_appraisal_grade_0_20', violation_error_message='La note du tuteur entreprise va de 0 à 20 (EVAL-1).'), models.CheckConstraint(condition=models.Q(('appraisal_grade__isnull', True), models.Q(('appraisal_source', ''), _negated=True), _connector='OR'), name='s9_appraisal_has_source', violation_error_message="Une évaluation du tuteur entreprise dit d'où elle vient (papier ou lien).")],
            },
        ),
        migrations.CreateModel(
            name='S9Year',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ects_threshold', models.DecimalField(decimal_places=2, default=Decimal('10'), max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('20'))], verbose_name='note donnant les ECTS du S9')),
                ('year', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='s9_settings', to='students.academicyear', verbose_name='année')),
            ],
            options={
                'verbose_name': 'seuil ECTS du S9',
                'verbose_name_plural': 'seuils ECTS du S9',
                'constraints': [models.CheckConstraint(condition=models.Q(('ects_threshold__gte', 0), ('ects_threshold__lte', 20)), name='s9_threshold_0_20', violation_error_message='Le seuil des ECTS est une note de 0 à 20 (EVAL-3).')],
            },
        ),
    ]
