from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.domain.governance.steps import ProjectKind
from server.domain.governance.thresholds import Choice, DecisionKind
from server.models.governance import ProjectStatus
from server.models.governance_votes import MeetingKind, VoteStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Project',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('core.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='lift: lift\nparking: parking\nwaste_point: waste_point\ncorridor: corridor\ncustom: custom', enum_type=ProjectKind, max_length=16)),
                ('title', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=ProjectStatus.proposed, description='proposed: proposed\nactive: active\ndone: done\ncancelled: cancelled', enum_type=ProjectStatus, max_length=16)),
                ('coordinator', fields.ForeignKeyField('core.Resident', source_field='coordinator_id', null=True, db_constraint=True, to_field='id', related_name='coordinated_projects', on_delete=OnDelete.SET_NULL)),
                ('opened_by_type', fields.CharField(max_length=16)),
                ('opened_by_id', fields.IntField()),
                ('approved_by', fields.ForeignKeyField('core.Staff', source_field='approved_by_id', null=True, db_constraint=True, to_field='id', related_name='approved_projects', on_delete=OnDelete.SET_NULL)),
                ('started_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'gov_project', 'app': 'governance', 'indexes': [Index(fields=['community_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('governance.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('community_id', fields.IntField()),
                ('kind', fields.CharEnumField(description='council: council\nhearing: hearing\ncoordination: coordination', enum_type=MeetingKind, max_length=16)),
                ('title', fields.CharField(max_length=100)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('place', fields.CharField(max_length=100)),
                ('agenda', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('departments', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('minutes', fields.TextField(default='', unique=False)),
                ('decisions', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('called_by_type', fields.CharField(max_length=16)),
                ('called_by_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_meeting', 'app': 'governance', 'indexes': [Index(fields=['project_id', 'starts_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActionItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('governance.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='actions', on_delete=OnDelete.CASCADE)),
                ('text', fields.CharField(max_length=200)),
                ('owner', fields.CharField(max_length=64)),
                ('due_on', fields.DateField()),
                ('done_on', fields.DateField(null=True)),
            ],
            options={'table': 'gov_action_item', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectHousehold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('governance.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='projects', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'gov_project_household', 'app': 'governance', 'unique_together': (('project', 'household'),), 'indexes': [Index(fields=['household_id'])], 'pk_attr': 'id', 'table_description': "A household in the project's scope: it is invited, and it votes."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('governance.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('resident', fields.ForeignKeyField('core.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='project_groups', on_delete=OnDelete.CASCADE)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_project_member', 'app': 'governance', 'unique_together': (('project', 'resident'),), 'pk_attr': 'id', 'table_description': 'A resident in the project group (the coordinator is one too).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectStaff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('governance.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='helpers', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='project_helps', on_delete=OnDelete.CASCADE)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gov_project_staff', 'app': 'governance', 'unique_together': (('project', 'staff'),), 'pk_attr': 'id', 'table_description': 'A staff member the secretary added to help the group.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Step',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('governance.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField()),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=100)),
                ('office', fields.CharField(max_length=100)),
                ('stamp', fields.CharField(max_length=100)),
                ('days', fields.SmallIntField()),
                ('done_on', fields.DateField(null=True)),
                ('done_office', fields.CharField(default='', max_length=100)),
                ('photo', fields.CharField(default='', max_length=64)),
                ('note', fields.CharField(default='', max_length=500)),
                ('ticked_by_type', fields.CharField(default='', max_length=16)),
                ('ticked_by_id', fields.IntField(null=True)),
                ('ticked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'gov_step', 'app': 'governance', 'unique_together': (('project', 'position'),), 'pk_attr': 'id', 'table_description': "A step of the project, from its kind's template: the office to visit and the stamp"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('governance.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('community_id', fields.IntField()),
                ('question', fields.CharField(max_length=200)),
                ('decision_kind', fields.CharEnumField(description='rules_of_procedure: rules_of_procedure\nmanagement_rules: management_rules\ncommittee: committee\nproperty_service: property_service\nuse_maintenance_fund: use_maintenance_fund\nraise_maintenance_fund: raise_maintenance_fund\nrebuild_common_parts: rebuild_common_parts\nchange_common_use: change_common_use\nother_major: other_major', enum_type=DecisionKind, max_length=32)),
                ('status', fields.CharEnumField(default=VoteStatus.open, description='open: open\nclosed: closed', enum_type=VoteStatus, max_length=8)),
                ('opened_by_id', fields.IntField()),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_by_id', fields.IntField(null=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'gov_vote', 'app': 'governance', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('governance.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.RESTRICT)),
                ('choice', fields.CharEnumField(description='agree: agree\ndisagree: disagree\nabstain: abstain', enum_type=Choice, max_length=8)),
                ('cast_by', fields.ForeignKeyField('core.Resident', source_field='cast_by_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.RESTRICT)),
                ('cast_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revision', fields.SmallIntField(default=1)),
            ],
            options={'table': 'gov_ballot', 'app': 'governance', 'unique_together': (('vote', 'household'),), 'pk_attr': 'id', 'table_description': "A household's current ballot: one per household, replaced until the vote closes."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BallotRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('governance.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='records', on_delete=OnDelete.CASCADE)),
                ('household_id', fields.IntField()),
                ('revision', fields.SmallIntField()),
                ('choice', fields.CharEnumField(description='agree: agree\ndisagree: disagree\nabstain: abstain', enum_type=Choice, max_length=8)),
                ('cast_by_id', fields.IntField()),
                ('cast_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'gov_ballot_record', 'app': 'governance', 'unique_together': (('vote', 'household_id', 'revision'),), 'pk_attr': 'id', 'table_description': 'Every ballot ever cast, changed ones included: the audit trail of the vote.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Elector',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('vote', fields.ForeignKeyField('governance.Vote', source_field='vote_id', db_constraint=True, to_field='id', related_name='electors', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='electorates', on_delete=OnDelete.RESTRICT)),
                ('area', fields.DecimalField(max_digits=9, decimal_places=2)),
            ],
            options={'table': 'gov_elector', 'app': 'governance', 'unique_together': (('vote', 'household'),), 'pk_attr': 'id', 'table_description': 'A household of the electorate, with the floor area it had when the vote opened.'},
            bases=['Model'],
        ),
    ]
