import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The office's edited mail texts (issue 15/16)."""

    dependencies = [
        ('conventions', '0016_notifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MailTextVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=100, verbose_name='mail')),
                ('subject', models.CharField(blank=True, max_length=300, verbose_name='objet')),
                ('body', models.TextField(blank=True, verbose_name='texte')),
                ('is_default', models.BooleanField(default=False, help_text="Retour au texte livré avec le portail : objet et texte vides, les fichiers par défaut s'appliquent.", verbose_name="texte d'origine")),
                ('edited_at', models.DateTimeField(auto_now_add=True, verbose_name='modifié le')),
                ('edited_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modifié par')),
            ],
            options={
                'verbose_name': "version d'un texte de mail",
                'verbose_name_plural': 'versions des textes de mail',
                'ordering': ['key', '-edited_at', '-pk'],
                'indexes': [models.Index(fields=['key', '-edited_at'], name='mailtext_key_latest')],
                'constraints': [models.CheckConstraint(condition=models.Q(('is_default', True), models.Q(('body', ''), _negated=True), _connector='OR'), name='mailtext_edited_has_body', violation_error_message='Un texte modifié a un corps : il ne peut pas être vide.')],
            },
        ),
    ]
