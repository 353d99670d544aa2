import contratpro.school.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """The school's VAT number in its record (issue 16, DOC-11): invoices
    print it and their Factur-X XML carries it as the seller's VAT
    identifier (EN 16931 BR-E-02)."""

    dependencies = [
        ('contratpro', '0005_unread_notifications'),
    ]

    operations = [
        migrations.AddField(
            model_name='schoolidentity',
            name='vat_number',
            field=models.CharField(blank=True, help_text='FR, deux chiffres de clé et le SIREN, par exemple FR40 303 265 045 ; il figure sur les factures.', max_length=20, validators=[contratpro.school.models.validate_vat_number], verbose_name='numéro de TVA intracommunautaire'),
        ),
    ]
