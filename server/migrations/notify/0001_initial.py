from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.models.notify import Channel, DeliveryStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.BigIntField()),
                ('topic', fields.CharField(max_length=64)),
                ('channel', fields.CharEnumField(description='wechat: wechat\nwecom: wecom', enum_type=Channel, max_length=16)),
                ('community_id', fields.IntField(null=True)),
                ('recipient_type', fields.CharField(max_length=16)),
                ('recipient_id', fields.IntField()),
                ('template_id', fields.CharField(default='', max_length=128)),
                ('message', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('status', fields.CharEnumField(default=DeliveryStatus.pending, description='pending: pending\nsent: sent\nskipped: skipped\ndead: dead', enum_type=DeliveryStatus, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('credit_taken', fields.BooleanField(default=False)),
                ('last_error', fields.CharField(default='', max_length=255)),
                ('dead_reason', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notify_delivery', 'app': 'notify', 'unique_together': (('event_id', 'channel', 'recipient_type', 'recipient_id'),), 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['channel', 'status'])], 'pk_attr': 'id', 'table_description': 'One event sent over one channel to one recipient: attempts, lease and outcome.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('resident', fields.ForeignKeyField('core.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='inbox', on_delete=OnDelete.CASCADE)),
                ('event_id', fields.BigIntField()),
                ('topic', fields.CharField(max_length=64)),
                ('report_id', fields.IntField(null=True)),
                ('title', fields.CharField(max_length=128)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notify_inbox', 'app': 'notify', 'unique_together': (('event_id', 'resident'),), 'indexes': [Index(fields=['resident_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A message to a resident in the mini-program inbox. Every message lands here.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LiveEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.BigIntField(unique=True)),
                ('topic', fields.CharField(max_length=64)),
                ('community_id', fields.IntField(null=True)),
                ('street_id', fields.IntField(null=True)),
                ('staff_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('department_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notify_live_event', 'app': 'notify', 'pk_attr': 'id', 'table_description': 'An event on the staff live feed. Ids increase in commit order, so a reader that'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubscriptionCredit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('resident', fields.ForeignKeyField('core.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='subscription_credits', on_delete=OnDelete.CASCADE)),
                ('template_id', fields.CharField(max_length=128)),
                ('remaining', fields.IntField(default=0)),
                ('granted_total', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notify_credit', 'app': 'notify', 'unique_together': (('resident', 'template_id'),), 'pk_attr': 'id', 'table_description': 'How many one-time subscribe messages a resident has granted for a template.'},
            bases=['Model'],
        ),
    ]
