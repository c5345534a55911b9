# Invitations moved to the accounts app (accounts/migrations/0001_initial.py takes the
# model over); the table boards_invitation and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('boards', '0003_merge_0002_framework_of_cooperation_0002_invitation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Invitation')],
            database_operations=[],
        ),
    ]
