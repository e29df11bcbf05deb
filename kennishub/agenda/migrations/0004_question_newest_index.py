from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0003_question_embedding_model"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["-created_at", "-id"], name="agenda_question_newest"),
        ),
    ]
