# Invitations moved to the accounts app (accounts/migrations/0001_initial.py takes the
# model over); the table boards_invitation and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('boards', '0004_agencies'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Invitation')],
            database_operations=[],
        ),
    ]
