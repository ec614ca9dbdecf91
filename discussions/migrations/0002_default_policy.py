from django.db import migrations

RULES = [
    (1, "Be civil",
     "Argue with the idea, not the person. Sarcasm is fine; contempt for other readers is not."),
    (2, "No personal attacks",
     "Do not insult, belittle or call names at other commenters, the translators, or the people "
     "in the story."),
    (3, "No threats or incitement of violence",
     "Never threaten anyone or urge others to harm a person or group, even as a joke."),
    (4, "No hate speech",
     "Do not attack or demean people for their nationality, ethnicity, religion, gender, "
     "sexual orientation or disability. Criticising a government is not the same as "
     "attacking a people."),
    (5, "Stay on topic",
     "Keep to the article and the conversation around it. Long off-topic exchanges may be "
     "removed so the thread stays readable."),
    (6, "No spam or advertising",
     "No promotion of products, services, channels or other sites, and no repeated posting "
     "of the same text."),
    (7, "No doxxing or private information",
     "Do not post anyone's address, phone number, workplace, real name behind an alias, or "
     "other private details — including the people in the news."),
    (8, "No impersonation",
     "Do not pretend to be another reader, a moderator, a translator or a public figure."),
    (9, "Write in English",
     "Write in English so that everyone can follow. Short quotes in the original language are "
     "welcome when you translate them."),
]


def create_rules(apps, schema_editor):
    PolicyRule = apps.get_model("discussions", "PolicyRule")
    for number, title, body in RULES:
        PolicyRule.objects.get_or_create(number=number, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
