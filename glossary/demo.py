"""The demo glossary: Chinese and Korean internet and political slang that our translations
keep in the original. Definitions written for crosstalk. seed_demo loads it (glossary_seed)."""

from django.db import transaction

from glossary.index import all_articles_reindex
from glossary.models import Term

ZH = "zh"
KO = "ko"

# (term, romanisation, other spellings, language, slug, definition, note)
TERMS = [
    (
        "内卷",
        "nèijuǎn",
        "neijuan, nei juan, involution",
        ZH,
        "neijuan",
        "Exhausting, pointless competition in which everyone works harder for the same or smaller "
        "rewards.",
        "<p>Borrowed from the anthropologists' <em>involution</em> (a society that elaborates "
        "instead of growing). Students, office workers and small shopkeepers all say they are "
        "stuck in it.</p>",
    ),
    (
        "躺平",
        "tǎngpíng",
        "tangping, tang ping, lying flat",
        ZH,
        "tangping",
        "“Lying flat”: opting out of the race by working and wanting only as much as one needs.",
        "<p>The answer many young people give to 内卷; officials treat it as a worrying "
        "attitude.</p>",
    ),
    (
        "摆烂",
        "bǎilàn",
        "bailan, bai lan",
        ZH,
        "bailan",
        "“Letting it rot”: giving up on purpose once things look hopeless, rather than trying to "
        "save them.",
        "",
    ),
    (
        "小粉红",
        "xiǎo fěnhóng",
        "xiaofenhong, xiao fenhong, little pinks",
        ZH,
        "xiaofenhong",
        "“Little pinks”: young, very online nationalists who rush to defend China against any "
        "perceived slight.",
        "<p>Named, by one account, after the pink background of the literature forum where many of "
        "them first gathered.</p>",
    ),
    (
        "打工人",
        "dǎgōngrén",
        "dagongren, da gong ren",
        ZH,
        "dagongren",
        "“Work people”: what employees, from couriers to bankers, wryly call themselves as hired "
        "hands.",
        "",
    ),
    (
        "凡尔赛",
        "fán'ěrsài",
        "fanersai, fan er sai",
        ZH,
        "fanersai",
        "Humblebragging: showing off wealth or success while pretending to complain about it.",
        "<p>From a manga set at the court of Versailles; a post in this style is "
        "<em>Versailles literature</em> (凡尔赛文学).</p>",
    ),
    (
        "吃瓜",
        "chīguā",
        "chigua, chi gua",
        ZH,
        "chigua",
        "“Eating melon”: watching a scandal unfold as an amused bystander with no stake in it.",
        "<p>The onlookers are 吃瓜群众, the melon-eating masses.</p>",
    ),
    (
        "996",
        "jiǔjiǔliù",
        "jiujiuliu",
        ZH,
        "996",
        "The working week of 9 a.m. to 9 p.m., six days a week, common in Chinese tech companies.",
        "<p>Its critics called it illegal under labour law; some founders called it a "
        "blessing.</p>",
    ),
    (
        "韭菜",
        "jiǔcài",
        "jiucai",
        ZH,
        "jiucai",
        "“Chives”: small investors who are cut down again and again by markets or schemes, and "
        "grow back for the next harvest.",
        "",
    ),
    (
        "佛系",
        "fóxì",
        "foxi",
        ZH,
        "foxi",
        "“Buddha-style”: calm indifference to success and outcomes, taking whatever comes.",
        "",
    ),
    (
        "鸡娃",
        "jīwá",
        "jiwa",
        ZH,
        "jiwa",
        "“Chicken-blooding the kids”: parents driving their children through tutoring and "
        "activities without rest.",
        "",
    ),
    (
        "일베",
        "Ilbe",
        "ilbe, ilbe storehouse",
        KO,
        "ilbe",
        "Ilbe Storehouse, a far-right South Korean forum known for misogyny and for mocking "
        "national tragedies; also its users.",
        "<p>The name comes from the “daily best” posts of another site, where it began.</p>",
    ),
    (
        "꼰대",
        "kkondae",
        "ggondae",
        KO,
        "kkondae",
        "A condescending older person, often a boss, who lectures everyone and demands deference.",
        "<p>Office workers complain of <em>kkondae culture</em>; a younger person can be one "
        "too.</p>",
    ),
    (
        "내로남불",
        "naeronambul",
        "naero nambul",
        KO,
        "naeronambul",
        "“When I do it, it's romance; when you do it, it's an affair”: a double standard, "
        "especially a politician's.",
        "<p>A contraction of 내가 하면 로맨스, 남이 하면 불륜.</p>",
    ),
    (
        "헬조선",
        "Hell Joseon",
        "hell joseon, hell chosun",
        KO,
        "hell-joseon",
        "“Hell Joseon”: young Koreans' bitter name for a country of fierce competition, long "
        "hours and fixed hierarchies.",
        "<p>Joseon, the last dynasty, stands for a society of inherited rank.</p>",
    ),
    (
        "갑질",
        "gapjil",
        "gap-jil, gabjil",
        KO,
        "gapjil",
        "Abuse of power by whoever holds the upper hand (the <em>gap</em>) over an employee, "
        "supplier or customer.",
        "",
    ),
    (
        "금수저",
        "geumsujeo",
        "金수저, gold spoon",
        KO,
        "geumsujeo",
        "“Gold spoon”: someone born into wealth and connections.",
        "<p>The top of the <em>spoon class theory</em> (수저계급론), which ranks people by the "
        "family they were born into.</p>",
    ),
    (
        "흙수저",
        "heuksujeo",
        "dirt spoon",
        KO,
        "heuksujeo",
        "“Dirt spoon”: someone born poor, with little hope of climbing the ladder.",
        "",
    ),
    (
        "눈치",
        "nunchi",
        "noonchi",
        KO,
        "nunchi",
        "The knack of sensing a room's mood and what others want without being told.",
        "",
    ),
    (
        "사이다",
        "saida",
        "",
        KO,
        "saida",
        "“Cider”: a blunt remark or act so satisfying it feels like a fizzy drink clearing the "
        "throat.",
        "",
    ),
    (
        "고구마",
        "goguma",
        "",
        KO,
        "goguma",
        "“Sweet potato”: a stifling, frustrating situation, like dry sweet potato stuck in the "
        "throat.",
        "",
    ),
    (
        "국뽕",
        "gukppong",
        "gukpong",
        KO,
        "gukppong",
        "Overblown national pride, as if high on the nation (<em>guk</em>) like a drug "
        "(<em>ppong</em>).",
        "",
    ),
]

RELATED = [
    ("neijuan", "tangping"),
    ("neijuan", "bailan"),
    ("tangping", "bailan"),
    ("neijuan", "996"),
    ("996", "dagongren"),
    ("xiaofenhong", "gukppong"),
    ("geumsujeo", "heuksujeo"),
    ("saida", "goguma"),
    ("kkondae", "gapjil"),
    ("hell-joseon", "heuksujeo"),
]


def glossary_seed() -> int:
    """Create the demo terms that do not exist yet (by slug) and their relations; return how
    many were created. Safe to run again."""
    existing = set(Term.objects.values_list("slug", flat=True))
    created = 0
    with transaction.atomic():
        for term, romanisation, others, language, slug, definition, note in TERMS:
            if slug in existing:
                continue
            Term.objects.create(
                term=term,
                romanisation=romanisation,
                other_spellings=others,
                language=language,
                slug=slug,
                definition=definition,
                note=note,
            )
            created += 1
        if created:
            slugs = {slug for pair in RELATED for slug in pair}
            terms = {t.slug: t for t in Term.objects.filter(slug__in=slugs)}
            for one, other in RELATED:
                if one in terms and other in terms:
                    terms[one].related.add(terms[other])
    # seed_demo bulk-creates source comments, which no receiver sees: index every article.
    all_articles_reindex()
    return created
