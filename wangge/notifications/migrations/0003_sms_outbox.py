from django.db import migrations, models

import wangge.core.fields


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_email_attempts'),
    ]

    operations = [
        migrations.CreateModel(
            name='SmsMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=120, unique=True, verbose_name='事件键')),
                ('topic', models.CharField(blank=True, db_index=True, max_length=60, verbose_name='主题')),
                ('phone', wangge.core.fields.ProtectedCharField(verbose_name='手机号')),
                ('phone_index', models.CharField(db_index=True, editable=False, max_length=32)),
                ('text', models.TextField(verbose_name='内容')),
                ('state', models.CharField(choices=[('pending', '待发送'), ('sent', '已发送'), ('failed', '发送失败')], default='pending', max_length=8, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                ('last_error', models.CharField(blank=True, max_length=300, verbose_name='错误')),
                ('provider_id', models.CharField(blank=True, max_length=64, verbose_name='网关消息号')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
            ],
            options={
                'verbose_name': '短信',
                'verbose_name_plural': '短信',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SmsSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('topic', models.CharField(max_length=60, verbose_name='主题')),
                ('phone', wangge.core.fields.ProtectedCharField(verbose_name='手机号')),
                ('phone_index', models.CharField(editable=False, max_length=32)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
            ],
            options={
                'verbose_name': '短信订阅',
                'verbose_name_plural': '短信订阅',
                'constraints': [models.UniqueConstraint(fields=('topic', 'phone_index'), name='sms_subscription_once')],
            },
        ),
    ]
