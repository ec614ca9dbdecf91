"""The demo content loaded by `manage.py seed_demo`: invented stories, written for crosstalk.

Every article, outlet, quote and comment here is made up; the source URLs point at
example.com. A discussion is listed in pre-order: each comment's `depth` is its tree level
(0 = top level) and its parent is the nearest earlier comment one level up.
"""

from typing import NamedTuple

# Public on purpose: a newcomer signs in as any demo user with it.
DEMO_PASSWORD = "crosstalk-demo"  # noqa: S105

# (username, display name)
DEMO_USERS = [
    ("hanbit", "Hanbit in Busan"),
    ("laowai_lurker", "LaowaiLurker"),
    ("minji_k", "Minji K."),
    ("old_shanghai_hand", "OldShanghaiHand"),
    ("pedantic_pete", "Pedantic Pete"),
    ("seoul_searching", "SeoulSearching"),
    ("xiaolongbao_fan", "xiaolongbao_fan"),
    ("daejang", "Daejang"),
    ("grumpy_expat", "GrumpyExpat"),
    ("mei_l", "Mei L."),
    ("kimchi_jjigae", "KimchiJjigae"),
    ("tired_dad", "Tired Dad in Daejeon"),
]


class DemoComment(NamedTuple):
    depth: int
    author: str
    minutes: int  # after the parent, or after publication for a top-level comment
    body: str
    up: int = 0
    down: int = 0


class DemoSourceComment(NamedTuple):
    platform: str
    text: str
    original_text: str = ""
    upvotes: int | None = None
    downvotes: int | None = None
    translator_note: str = ""


C = DemoComment
S = DemoSourceComment


CAFE_NO_STUDY_ZONE = {
    "slug": "daejeon-cafe-no-study-zone",
    "title": "Daejeon café posts a ‘No Study Zone’ sign; students say they have nowhere else to go",
    "dek": (
        "An owner near a university says laptop campers hold tables for eight hours on one "
        "americano. Students say the libraries are full and their rooms are too small to study in."
    ),
    "category": "Society",
    "tags": ["Cafés", "Students", "Small business"],
    "source_name": "Daejeon Morning Post",
    "source_url": "https://example.com/daejeon-morning-post/society/10482",
    "source_language": "ko",
    "translator": "Jiwoo Park",
    "hours_ago": 30,
    "body": """
<p>A small café two blocks from a university in Daejeon has become the latest front in South
Korea’s long-running argument over <em>cagongjok</em>, the “café study tribe” who treat coffee
shops as reading rooms.</p>
<p>Last week the owner, a woman in her fifties surnamed Oh, taped a hand-written notice to the
door: “No Study Zone. Laptops and textbooks welcome for up to two hours. After that, please
order again or let others sit.” A photo of the notice was shared tens of thousands of times
within a day.</p>
<p>“I have eleven tables,” Oh told the paper. “In exam weeks, seven of them are taken from
opening to closing. Most people buy one americano at 2,500 won. Some bring their own snacks. I
pay for the electricity for their laptops and chargers, and for the air conditioning. I am not
running a library.”</p>
<figure><figcaption>The hand-written notice on the café door. (Photo omitted from this
translation.)</figcaption></figure>
<p>Students interviewed nearby were less sympathetic. A 23-year-old preparing for the civil
service exam said the university library’s seats are booked within minutes of the reservation
system opening each morning. “I live in a <em>goshiwon</em>. There is a bed and a desk as wide
as a laptop. Where am I supposed to go?”</p>
<p>Several coffee chains have quietly added time limits, removed power outlets or lowered their
seats in recent years. Independent owners say they cannot afford to lose regulars by being too
strict, but cannot survive on one drink per table per day either.</p>
<p>Oh said she has no plans to take the sign down, but she has added a line at the bottom:
“Students who order a second drink get a free cookie.”</p>
""",
    "source_comments": [
        S(
            "naver",
            "Two hours is honestly generous? Order another drink and stay two more hours, "
            "what’s the problem.",
            "두 시간이면 솔직히 넉넉한데? 한 잔 더 시키고 두 시간 더 있으면 되잖아",
            4821,
            312,
        ),
        S(
            "naver",
            "Cafés sell seats, not coffee. Everyone knows this. If she doesn’t want people "
            "sitting, she should run a take-out shop.",
            "카페는 커피가 아니라 자리를 파는 곳임. 앉는 게 싫으면 테이크아웃 전문점 하세요",
            1290,
            2207,
        ),
        S(
            "naver",
            "The free cookie line at the end is so much like my mom lol. I want to go there "
            "just for that.",
            "마지막에 쿠키 준다는 거 완전 우리 엄마 스타일ㅋㅋ 그거 때문에라도 가보고 싶다",
            3310,
            41,
        ),
        S(
            "naver",
            "The real problem is that there aren’t enough public study spaces. Why is a café "
            "owner carrying the country’s problem?",
            "진짜 문제는 공공 학습공간이 부족한 거지. 왜 카페 사장님이 나라 문제를 떠안아야 함?",
            2675,
            198,
        ),
        S(
            "dcinside",
            "Latte is horse, we paid 3,000 won a day for a reading room and were grateful.",
            "라떼는 독서실 하루 3천원 내고 감사하면서 공부했다",
            88,
            12,
            "“Latte is horse” (라떼는 말이야) is a pun on 나 때는 말이야, “back in my day…”, "
            "used to mock older people who lecture the young.",
        ),
        S("dcinside", "Cagongjok detected, opinion rejected.", "카공족 발견, 의견 기각", 140, 30),
        S(
            "dcinside",
            "The owner is right, but half her customers are about to fly away lol",
            "사장님 말이 맞는데 손님 반은 날아가겠네ㅋㅋ",
        ),
    ],
    "discussion": [
        C(
            0,
            "seoul_searching",
            25,
            "As someone who wrote half a thesis in cafés in Sinchon, I feel personally attacked. "
            "But also… she’s right? One americano for a whole day is a bit much.",
            7,
            1,
        ),
        C(
            1,
            "minji_k",
            14,
            "The thesis crowd is the polite version. In exam season I’ve seen people *reserve* "
            "a table with a pencil case and leave for an hour-long lunch.",
            6,
        ),
        C(
            2,
            "hanbit",
            9,
            "The pencil case reservation is a national sport. In Busan it’s a tissue pack.",
            8,
        ),
        C(
            3,
            "grumpy_expat",
            22,
            "In the UK we use a towel, but only on a sun lounger at 6am on holiday. Same energy.",
            5,
            1,
        ),
        C(
            2,
            "laowai_lurker",
            31,
            "Same in China, except it’s a thermos. Nobody will *ever* touch someone’s thermos.",
            5,
        ),
        C(
            1,
            "pedantic_pete",
            40,
            "Small correction to the general outrage: 2,500 won for an americano is cheap. At a "
            "chain it’d be closer to 4,500. She’s already undercutting everyone around her.",
            3,
            2,
        ),
        C(
            2,
            "daejang",
            12,
            "That’s exactly why students go there. Cheapest seat in the neighbourhood with free "
            "Wi-Fi and aircon. She priced herself into being a library.",
            6,
        ),
        C(
            3,
            "pedantic_pete",
            18,
            "Fair. An economist would say the seat was an unpriced good and the sign is her "
            "putting a price on it.",
            4,
            1,
        ),
        C(4, "kimchi_jjigae", 7, "I would call it *ajumma economics* and it is undefeated.", 9),
        C(
            0,
            "tired_dad",
            60,
            "Unpopular opinion: time limits in cafés are fine. Nobody complains when a "
            "restaurant expects you to leave after you’ve eaten.",
            5,
            4,
        ),
        C(
            1,
            "mei_l",
            11,
            "Restaurants turn tables because every order takes cooking and labour. A café’s cost "
            "for your second hour is a bit of electricity. Different business.",
            3,
            3,
        ),
        C(
            2,
            "tired_dad",
            16,
            "> a bit of electricity\n\nPlus the rent on that square metre, which is the biggest "
            "cost she has. The seat *is* the product, like the Naver comment says. She just "
            "wants to be paid for it.",
            6,
            1,
        ),
        C(
            3,
            "mei_l",
            20,
            "Then charge for the seat openly! Study cafés do exactly that: 2,000 won an hour, no "
            "drink needed. Hiding it in a ‘please order again’ sign is passive-aggressive.",
            4,
            2,
        ),
        C(
            4,
            "old_shanghai_hand",
            13,
            "Passive-aggressive signage is a proud East Asian tradition and I won’t hear a word "
            "against it.",
            8,
        ),
        C(
            5,
            "mei_l",
            6,
            "Ha. Okay, *fair*, the cookie line is charming. I take back 30% of "
            "‘passive-aggressive’.",
            5,
        ),
        C(6, "tired_dad", 9, "I’ll accept 30%. That’s about the margin on an americano anyway.", 7),
        C(
            7,
            "pedantic_pete",
            25,
            "It’s much higher than 30%, actually. The beans in one cup cost a few hundred won. "
            "The margin goes to rent and wages, which is the whole point of this thread.",
            2,
            3,
        ),
        C(8, "kimchi_jjigae", 4, "Pete never misses a chance 😄", 6),
        C(
            2,
            "xiaolongbao_fan",
            35,
            "In Taipei there’s a place that charges by the minute and the coffee is free. "
            "Everyone’s happy, nobody feels guilty. Maybe that’s the answer.",
            4,
        ),
        C(
            3,
            "seoul_searching",
            10,
            "Those exist here too (‘study cafés’), but they’re silent, fluorescent and a bit "
            "depressing. People go to normal cafés for the background noise.",
            5,
        ),
        C(
            4,
            "minji_k",
            8,
            "This. The noise is the point. I can’t focus in a room where I can hear someone’s pen.",
            4,
        ),
        C(
            1,
            "grumpy_expat",
            48,
            "Restaurants do complain, they just call it ‘table turnover’ and put it in the small "
            "print.",
            2,
        ),
        C(
            0,
            "daejang",
            95,
            "The students in this story aren’t lazy. A goshiwon room is about five square "
            "metres. You *can’t* study there. Housing is the real story and the café is "
            "collateral damage.",
            10,
            1,
        ),
        C(
            1,
            "hanbit",
            20,
            "This should be the top comment. My cousin’s goshiwon in Noryangjin had no window. "
            "She studied in cafés because she wanted to see daylight.",
            7,
        ),
        C(
            2,
            "laowai_lurker",
            17,
            "For anyone outside Korea: goshiwon started as tiny rooms for exam students and are "
            "now mostly just cheap housing. "
            "[Here’s an explainer](https://example.com/explainers/goshiwon) that isn’t bad.",
            6,
        ),
        C(3, "daejang", 12, "Good link. The photos are generous, real ones are smaller.", 3),
        C(
            1,
            "old_shanghai_hand",
            40,
            "Sure, but fixing housing policy isn’t the café owner’s job. She’s one person with "
            "eleven tables.",
            5,
            2,
        ),
        C(
            2,
            "daejang",
            15,
            "Agreed, I’m not blaming her. I’m blaming the way this gets told as a manners story "
            "instead of a housing story.",
            6,
        ),
        C(
            3,
            "mei_l",
            22,
            "Korean media does that a lot. Everything structural becomes ‘netizens divided over "
            "etiquette’. Chinese media too, honestly.",
            4,
            1,
        ),
        C(
            4,
            "laowai_lurker",
            9,
            "To be fair, ‘netizens divided over etiquette’ is also most of this website’s "
            "business model 😅",
            9,
        ),
        C(5, "seoul_searching", 6, "Don’t bite the hand that translates.", 6),
        C(
            0,
            "kimchi_jjigae",
            130,
            "The Naver comment about public study spaces is the most sensible thing in the whole "
            "story, and 2,600 people agreed.",
            4,
        ),
        C(
            1,
            "grumpy_expat",
            18,
            "Public libraries in Daejeon are pretty good, actually. The problem is they close at "
            "ten and exam students want to stay until two.",
            2,
            2,
        ),
        C(
            2,
            "minji_k",
            13,
            "Some stay open late in exam season. But you book on an app at 9am sharp and it’s "
            "full in about ninety seconds. It’s like buying concert tickets.",
            5,
        ),
        C(3, "xiaolongbao_fan", 7, "Ticketing wars, but for a desk. Modern life is strange.", 4),
        C(
            0,
            "laowai_lurker",
            170,
            "Question for Korean readers: is ‘No ___ Zone’ a common sign? I’ve seen ‘No Kids "
            "Zone’ mentioned here before.",
            3,
        ),
        C(
            1,
            "minji_k",
            12,
            "Yes. No Kids Zone started it, and now there are No Senior Zones, No Study Zones, "
            "No YouTuber Zones… it’s a meme format at this point.",
            6,
        ),
        C(
            2,
            "hanbit",
            10,
            "A bar near my office put up a ‘No Ajae Zone’ (no middle-aged men) for about a week. "
            "It did not go well.",
            5,
        ),
        C(3, "tired_dad", 6, "As an ajae I am offended. I would like to speak to the manager.", 10),
        C(
            2,
            "pedantic_pete",
            25,
            "Worth adding that whether No Kids Zones are even allowed has been argued about for "
            "years, with a human rights body weighing in. I’m not sure where it stands now, "
            "happy to be corrected.",
            2,
            1,
        ),
        C(0, "xiaolongbao_fan", 210, "Honestly I just want to know what kind of cookie it is.", 8),
        C(
            1,
            "seoul_searching",
            5,
            "Probably a big supermarket chocolate chip one, and it’s *perfect*.",
            4,
        ),
        C(
            0,
            "grumpy_expat",
            260,
            "Everyone’s acting like this is new. I was asked to leave a coffee shop in 2009 for "
            "writing a novel on one latte. Never finished the novel either.",
            6,
        ),
        C(1, "old_shanghai_hand", 9, "Maybe the novel was the real problem.", 7, 1),
        C(2, "grumpy_expat", 5, "Rude. Accurate, but rude.", 8),
        C(
            0,
            "mei_l",
            320,
            "If you zoom in on the photo, there’s a line the article leaves out: "
            "‘아메리카노 한 잔으로 여덟 시간은 너무해요’, roughly ‘eight hours on one americano "
            "is too much’.",
            5,
        ),
        C(
            1,
            "hanbit",
            14,
            "너무해요 is softer than ‘too much’ though. It’s closer to ‘that’s a bit unkind of "
            "you’. Which somehow makes it sadder.",
            4,
        ),
    ],
}


HOESIK_HALF_DAY = {
    "slug": "incheon-firm-swaps-hoesik-for-half-day-off",
    "title": "Firm swaps year-end company dinner for a half day off; managers mourn ‘team spirit’",
    "dek": (
        "An anonymous staff vote at a logistics company in Incheon went 212 to 9. Some team "
        "leaders are now organising dinners anyway, at their own expense."
    ),
    "category": "Work & Money",
    "tags": ["Office life", "Hoesik", "Generations"],
    "source_name": "Incheon Business Journal",
    "source_url": "https://example.com/incheon-business-journal/work/20931",
    "source_language": "ko",
    "translator": "Sora Lim",
    "hours_ago": 52,
    "body": """
<p>A logistics company in Incheon with about 240 employees has replaced its year-end
<em>hoesik</em> (the company dinner, traditionally pork belly, soju and speeches) with an
afternoon off, after an anonymous staff vote.</p>
<p>According to an internal memo seen by the paper, 212 employees voted for the half day off, 9
for the dinner, and the rest did not vote. The memo noted that “participation is voluntary” for
both options, a line several employees said they found funny.</p>
<p>The HR manager said the change was about the budget as much as morale. “A dinner for two
hundred people is not cheap, and every year we receive complaints afterwards. Nobody has ever
complained about going home early.”</p>
<h2>“Where will we talk?”</h2>
<p>Not everyone is pleased. A team leader in his fifties, who asked not to be named, said the
dinner was the only time junior staff spoke honestly. “In the office, they answer in one word.
After the second bottle, they tell you what is wrong with the process. That is valuable.”</p>
<p>A junior employee in her twenties saw it differently: “If the only way to hear our opinion is
to get us drunk, maybe the problem is the office.”</p>
<p>The paper reports that at least two teams have since planned their own “voluntary” dinners
for the same week. The company says it will not pay for them.</p>
""",
    "source_comments": [
        S(
            "naver",
            "“If the only way to hear our opinion is to get us drunk, the office is the "
            "problem.” This person should be the CEO.",
            "'술 먹여야만 의견을 들을 수 있다면 사무실이 문제다' 이분이 사장해야 함",
            8912,
            120,
        ),
        S(
            "naver",
            "212 to 9 lololol I want to know who the 9 are",
            "212 대 9 ㅋㅋㅋ 그 9명이 누군지 궁금하다",
            6104,
            77,
        ),
        S(
            "naver",
            "Honestly some hoesik are fun. The problem is the ones where the department head "
            "gives a two-hour speech.",
            "솔직히 재밌는 회식도 있음. 문제는 부장님이 두 시간 연설하는 회식이지",
            2210,
            640,
        ),
        S(
            "daum",
            "A ‘voluntary’ dinner in the same week lol. We all know what voluntary means.",
            "같은 주에 '자율' 회식ㅋㅋ 자율이 뭔지 다들 알잖아",
            1503,
            22,
            "자율 (“voluntary”, “self-directed”) is often used ironically by office workers for "
            "things that are optional on paper and expected in practice.",
        ),
        S(
            "daum",
            "As a team leader I miss it a little. I don’t miss the hangover though.",
            "팀장으로서 조금 아쉽긴 한데 숙취는 안 그리움",
            870,
            95,
        ),
        S(
            "nate",
            "Just pay out the dinner budget as a bonus and everyone is happy.",
            "회식비를 그냥 보너스로 주면 다 행복함",
            1320,
            41,
        ),
        S(
            "nate",
            "My company did this two years ago and now nobody knows anyone from other "
            "departments. There is a downside.",
            "우리 회사 2년 전에 이렇게 했는데 이제 다른 부서 사람 아무도 모름. 단점도 있음",
            455,
            301,
        ),
    ],
    "discussion": [
        C(
            0,
            "hanbit",
            40,
            "212 to 9 is the most Korean office statistic I have ever seen. Everyone hated it "
            "and nobody said so out loud for twenty years.",
            9,
        ),
        C(
            1,
            "seoul_searching",
            12,
            "*Anonymous* vote is the key word. Put names on the ballots and it’s 9 to 212 the "
            "other way.",
            8,
        ),
        C(
            2,
            "tired_dad",
            20,
            "Probably. I signed up for every dinner for a decade and I don’t even drink.",
            4,
            1,
        ),
        C(3, "minji_k", 9, "Why?? 😂", 3),
        C(
            4,
            "tired_dad",
            11,
            "Because my team leader was watching the sign-up sheet. It’s not complicated.",
            7,
        ),
        C(5, "grumpy_expat", 15, "This is the whole story in one comment.", 6),
        C(
            1,
            "pedantic_pete",
            35,
            "240 employees, 221 votes, so about 19 didn’t vote. Those are the real heroes: they "
            "wanted neither the dinner *nor* the afternoon, just to be left alone.",
            5,
            1,
        ),
        C(
            0,
            "old_shanghai_hand",
            70,
            "I’ll defend the team leader a little. In the offices I’ve worked in, Shanghai and "
            "Seoul both, the after-work dinner *was* where problems got raised. Juniors don’t "
            "speak up in meetings. You don’t fix that with a memo.",
            4,
            5,
        ),
        C(
            1,
            "minji_k",
            14,
            "Then fix the meetings? Why is the answer ‘add alcohol’ instead of ‘make it safe to "
            "talk at 3pm’?",
            9,
        ),
        C(
            2,
            "old_shanghai_hand",
            18,
            "Because culture changes slower than memos. Meanwhile the dinner was a pressure "
            "valve. Take it away and the pressure doesn’t vanish, it just has nowhere to go.",
            3,
            3,
        ),
        C(
            3,
            "daejang",
            21,
            "It goes to the anonymous office apps, where it always went. Nobody under 35 said "
            "the real stuff at dinner either; after the soju they said what the boss wanted to "
            "hear.",
            7,
        ),
        C(
            4,
            "old_shanghai_hand",
            16,
            "> after the soju they said what the boss wanted to hear\n\nSome did, sure. But I’ve "
            "also watched a quiet junior finally tell his manager that a process was eating "
            "everyone’s weekends. That happened *because* of the dinner.",
            3,
            2,
        ),
        C(
            5,
            "mei_l",
            12,
            "Survivorship bias, though. You remember the one brave junior. You don’t remember "
            "the fifteen others working out when the last subway leaves.",
            8,
        ),
        C(
            6,
            "old_shanghai_hand",
            19,
            "Ha, the last-subway maths is real. All right: the *average* dinner was bad. My "
            "point is that the best ones were worth something, and those are going too.",
            5,
        ),
        C(
            7,
            "minji_k",
            8,
            "That I can agree with. Keep the good ones: small, optional, paid for, **over by "
            "nine**.",
            9,
        ),
        C(8, "tired_dad", 6, "‘Over by nine’ is the part no manager will ever accept.", 6),
        C(
            2,
            "kimchi_jjigae",
            30,
            "My last company did ‘lunch hoesik’ instead. Same bonding, no drinking, back at your "
            "desk by 1:30. Everyone loved it except the one guy who really liked drinking.",
            6,
        ),
        C(
            3,
            "hanbit",
            10,
            "Lunch hoesik is the correct answer and I’m tired of pretending otherwise.",
            5,
        ),
        C(
            1,
            "grumpy_expat",
            44,
            "Offices back home have the same thing with the Christmas party. We’re just better "
            "at pretending it’s optional.",
            4,
            1,
        ),
        C(
            2,
            "laowai_lurker",
            13,
            "Chinese companies have the *nianhui*, the year-end gala, which is worse: you have "
            "to perform. Songs, dances, sketches. At least hoesik only wants your liver.",
            10,
        ),
        C(
            3,
            "xiaolongbao_fan",
            9,
            "I once did a group dance to a pop song in front of 500 colleagues. I still think "
            "about it at 3am.",
            8,
        ),
        C(4, "seoul_searching", 5, "Video or it didn’t happen.", 4),
        C(5, "xiaolongbao_fan", 3, "It has been destroyed. *All copies.*", 7),
        C(
            0,
            "daejang",
            120,
            "Best part: the company won’t pay for the ‘voluntary’ team dinners. So the team "
            "leaders who want them pay out of their own pockets. Watch how few of them happen.",
            7,
        ),
        C(
            1,
            "tired_dad",
            17,
            "Or it goes on the team budget as ‘workshop supplies’. Every company has a line like "
            "that.",
            5,
        ),
        C(
            2,
            "pedantic_pete",
            22,
            "That’s an audit finding waiting to happen, but yes, I have seen ‘meeting materials’ "
            "that were very clearly grilled pork.",
            3,
        ),
        C(
            0,
            "laowai_lurker",
            160,
            "Genuine question: what does a hoesik for 200 people even cost? Ballpark?",
            2,
        ),
        C(
            1,
            "hanbit",
            15,
            "Pork belly, soju, a second round somewhere… maybe 40,000 to 60,000 won a head if "
            "nobody goes wild. So 8 to 12 million won. Plus the karaoke that ‘isn’t on the "
            "company card’.",
            4,
        ),
        C(
            2,
            "laowai_lurker",
            9,
            "So about the cost of half a day’s work anyway. HR did the maths.",
            3,
        ),
        C(
            3,
            "pedantic_pete",
            14,
            "Not quite: half a day of 240 salaries is a lot more than 12 million won. The "
            "company is *spending more* on the afternoon off, which tells you how much they "
            "wanted the complaints to stop.",
            5,
            1,
        ),
        C(
            4,
            "mei_l",
            10,
            "Or that nobody got any work done on dinner day anyway, so the afternoon was already "
            "lost.",
            6,
        ),
        C(5, "pedantic_pete", 7, "…that is annoyingly convincing.", 5),
        C(
            0,
            "minji_k",
            200,
            "The junior employee’s line is going on a sticky note on my monitor. ‘If the only "
            "way to hear our opinion is to get us drunk, maybe the problem is the office.’",
            8,
            1,
        ),
        C(
            1,
            "old_shanghai_hand",
            25,
            "It’s a great line. It also costs nothing to say and would be very hard to act on if "
            "you were the manager.",
            2,
            4,
        ),
        C(
            2,
            "minji_k",
            11,
            "It costs something to say it to a newspaper, even anonymously. Managers always work "
            "out who said it.",
            5,
        ),
        C(
            0,
            "kimchi_jjigae",
            260,
            "Can we talk about the memo saying participation is voluntary for the *afternoon "
            "off*? Who is turning down the afternoon off?",
            6,
        ),
        C(
            1,
            "grumpy_expat",
            8,
            "Someone who wants the team leader who wanted the dinner to see how dedicated he is.",
            7,
        ),
        C(
            2,
            "seoul_searching",
            12,
            "There’s always one. He’s called Assistant Manager Kim and he’s in on Sundays too.",
            6,
            1,
        ),
        C(
            1,
            "daejang",
            22,
            "Probably legal wording. Make the time off mandatory and it turns into leave, with "
            "rules attached. ‘Voluntary’ keeps it a perk.",
            4,
        ),
        C(
            0,
            "xiaolongbao_fan",
            330,
            "Not Korean, but this thread has convinced me hoesik is a boss fight and I’m glad I "
            "work remotely. [Relevant comic](https://example.com/comics/office-dinner).",
            3,
            2,
        ),
        C(
            0,
            "tired_dad",
            400,
            "Update from my own office: our team leader read this article out at the morning "
            "meeting and then said ‘but of course *our* dinner is different’. It is not "
            "different.",
            9,
        ),
        C(1, "hanbit", 6, "Classic. Did anyone laugh?", 2),
        C(2, "tired_dad", 9, "Only on the inside.", 7),
        C(1, "laowai_lurker", 15, "Please report back after the dinner. For science.", 4),
    ],
}


NOODLE_AC_FEE = {
    "slug": "hangzhou-noodle-shop-air-conditioning-fee",
    "title": "Hangzhou noodle shop adds a 3-yuan ‘air-conditioning fee’; diners split",
    "dek": (
        "The owner says his electricity bill more than doubled in July. The market regulator "
        "says the fee is fine only if customers can see it before they order."
    ),
    "category": "Food",
    "tags": ["Restaurants", "Consumer rights", "Heatwave"],
    "source_name": "West Lake Evening News",
    "source_url": "https://example.com/west-lake-evening-news/local/7731",
    "source_language": "zh",
    "translator": "Chen Yu",
    "hours_ago": 75,
    "body": """
<p>A family-run noodle shop in Hangzhou has added a 3-yuan “air-conditioning fee” to every bill
this summer, setting off an online debate about hidden charges and what it costs to keep a
small restaurant open in a heatwave.</p>
<p>The fee appears as its own line on receipts. The owner, surnamed Zhang, said the shop’s
electricity bill went from about 2,000 yuan in May to more than 4,500 yuan in July, as
temperatures stayed above 38°C for weeks. “A bowl of noodles here is 16 yuan. If I make it 19,
people say I am greedy. So I wrote the fee on the wall instead. At least it is honest.”</p>
<p>The customer who posted the receipt online disagreed. “It was on a piece of paper behind the
drinks fridge. I saw it after I paid. That is not honest, that is hiding.” Another diner quoted
by the paper put it more broadly:</p>
<blockquote><p>“If every shop did this, we would pay a chair fee, a napkin fee and a Wi-Fi fee.
Where does it end?”</p></blockquote>
<p>A staff member at the district market supervision bureau told the paper that businesses set
their own prices, but any extra charge must be clearly shown before the customer orders. “If the
notice could not be seen, the customer can ask for the fee back.”</p>
<p>After the story spread, Zhang moved the notice to the front door and said anyone who objects
is welcome to sit at the two tables outside, “where the air-conditioning fee is zero.”</p>
""",
    "source_comments": [
        S(
            "weibo",
            "Sitting outside for free in Hangzhou in July isn’t a discount, it’s a punishment 😂",
            "七月的杭州坐外面不收钱，这不是优惠，是惩罚😂",
            18342,
        ),
        S(
            "weibo",
            "Just raise it to 19. People complain for a week and forget. A separate fee makes "
            "everyone angry forever.",
            "直接涨到19块，大家骂一周就忘了。单独收费会让人一直生气",
            9521,
        ),
        S(
            "weibo",
            "Electricity doubled, rent didn’t go down, and we’re angry at the noodle guy? Get "
            "clear on who to be angry at.",
            "电费翻倍，房租也没降，大家却骂面馆老板？搞清楚该骂谁",
            7403,
        ),
        S(
            "zhihu",
            "In pricing terms this is ‘drip pricing’, and people hate it because it breaks their "
            "mental anchor. 16 yuan is the anchor; the extra 3 feels like a loss, even though 19 "
            "on the menu would feel fine.",
            "从定价角度看，这叫“滴水定价”，让人反感是因为打破了心理锚点。"
            "16块是锚，多出的3块感觉像损失，哪怕菜单直接写19块大家都能接受",
            2104,
            None,
            "Zhihu shows how many readers agreed with an answer; there is no public "
            "down-vote count.",
        ),
        S(
            "zhihu",
            "I ran a small restaurant for five years. Summer electricity really can eat all of "
            "the profit. Nobody believes it until they see the bill.",
            "开过五年小饭馆。夏天电费真能把利润吃光，没见过账单的人不会信",
            1650,
        ),
        S(
            "netease",
            "Coming next: the oxygen fee. Breathing in this restaurant costs 1 yuan per person.",
            "下一步：氧气费，在本店呼吸每人一元",
            5530,
            210,
        ),
        S(
            "netease",
            "If it was really behind the fridge, ask for a refund. If it was on the door, pay "
            "and stop whining.",
            "如果真贴在冰箱后面就要求退款，如果贴在门口就付钱别抱怨",
            2980,
            140,
        ),
    ],
    "discussion": [
        C(
            0,
            "old_shanghai_hand",
            30,
            "Fifteen years in China here. Small restaurants used to have all sorts of hidden "
            "fees: tea fee, napkin fee, tableware fee. This is mild by comparison; at least the "
            "amount is small and the reason is obvious.",
            6,
            1,
        ),
        C(
            1,
            "xiaolongbao_fan",
            16,
            "The tableware fee! The shrink-wrapped bowl-and-cup set for 2 yuan. I’ve paid it so "
            "often I don’t notice any more.",
            7,
        ),
        C(
            2,
            "laowai_lurker",
            12,
            "The first time I tried to refuse it, the waiter looked at me like I’d asked to eat "
            "off the table.",
            8,
        ),
        C(
            3,
            "mei_l",
            9,
            "In plenty of places you *can* ask for the ordinary free ones and they’ll bring "
            "them. You just have to know to ask.",
            4,
        ),
        C(
            1,
            "grumpy_expat",
            33,
            "‘Mild’ until every shop does it. The diner quoted in the article is exactly right: "
            "chair fee, napkin fee, Wi-Fi fee.",
            3,
            3,
        ),
        C(
            2,
            "old_shanghai_hand",
            14,
            "Slippery-slope arguments about noodle prices are a bit much. The market sorts it "
            "out; people eat somewhere else.",
            3,
            2,
        ),
        C(
            0,
            "pedantic_pete",
            55,
            "Everyone’s arguing about whether 3 yuan is fair, but legally only the regulator’s "
            "point matters: was it posted *before* ordering? Behind the fridge means no.",
            8,
        ),
        C(
            1,
            "kimchi_jjigae",
            20,
            "Did anyone see a photo of the fridge notice? The customer says it was hidden, the "
            "owner says it was on the wall. Classic he-said, she-said.",
            3,
        ),
        C(
            2,
            "pedantic_pete",
            11,
            "Right, which is why the regulator answered conditionally. But the owner *moving* "
            "the notice afterwards is a pretty big hint about where it was before.",
            6,
        ),
        C(
            3,
            "old_shanghai_hand",
            17,
            "Or he moved it because he’s a reasonable man responding to feedback? You can read "
            "it both ways.",
            4,
            2,
        ),
        C(
            4,
            "pedantic_pete",
            13,
            "You can, but ‘I moved it so people can see it’ means people couldn’t see it. Even "
            "on the kindest reading, it wasn’t where a customer looks before ordering.",
            5,
            1,
        ),
        C(5, "tired_dad", 9, "Pete is cross-examining a noodle shop. I love this site.", 11),
        C(
            6,
            "pedantic_pete",
            4,
            "Somebody has to stand up for the consumer protection law.",
            7,
        ),
        C(
            7,
            "laowai_lurker",
            12,
            "> Somebody has to stand up for the consumer protection law.\n\nGenuinely, though: "
            "I’ve called the 12315 consumer hotline twice and both times the shop refunded me "
            "within a day. It’s one of the parts of the system that works.",
            6,
        ),
        C(
            8,
            "mei_l",
            8,
            "Can confirm, my mum calls 12315 the way other people call a lawyer. Shops are "
            "*terrified* of it.",
            8,
        ),
        C(
            1,
            "daejang",
            40,
            "In Korea I think this would simply be illegal, menu prices have to include "
            "everything. Korean readers, correct me.",
            2,
            1,
        ),
        C(
            2,
            "seoul_searching",
            14,
            "Mostly right, the menu price should be the total. But bars still get away with a "
            "‘charge’ line now and then. It’s not perfectly clean.",
            4,
        ),
        C(
            0,
            "minji_k",
            90,
            "The owner’s last line is *iconic*. ‘The air-conditioning fee outside is zero.’ "
            "Petty, but correct.",
            10,
        ),
        C(1, "hanbit", 8, "He’s right, though. Let people choose the 38-degree table.", 5, 1),
        C(
            2,
            "grumpy_expat",
            15,
            "It’s not a choice if the alternative is heatstroke. That’s an airline saying you "
            "can skip the seat fee and stand.",
            3,
            3,
        ),
        C(3, "hanbit", 10, "Don’t give the budget airlines ideas.", 9),
        C(
            3,
            "old_shanghai_hand",
            14,
            "Plenty of people eat outside in Hangzhou in summer, mostly in the evening. It’s not "
            "heatstroke, it’s just sweaty.",
            2,
            2,
        ),
        C(
            0,
            "kimchi_jjigae",
            130,
            "The Zhihu ‘anchor’ answer explains it better than any economist. 19 yuan and no fee "
            "feels fine. 16 plus 3 feels like robbery. Same money.",
            7,
        ),
        C(
            1,
            "pedantic_pete",
            14,
            "Textbook behavioural economics. Same reason airlines list ‘taxes and fees’ "
            "separately, except there it makes the fare look cheaper and here it backfired.",
            5,
        ),
        C(
            2,
            "xiaolongbao_fan",
            10,
            "He should have called it a ‘summer special price’. Marketing is everything.",
            6,
        ),
        C(
            3,
            "mei_l",
            7,
            "‘Seasonal cooling surcharge’. Make it sound official and nobody complains 😂",
            5,
        ),
        C(
            1,
            "tired_dad",
            30,
            "My wife runs a small shop. Half the reason owners add a fee instead of raising "
            "prices is that new menu boards cost money. Nobody reprints everything for one "
            "summer.",
            4,
            1,
        ),
        C(
            2,
            "daejang",
            12,
            "That’s a really practical point nobody else raised. Reprinting for a temporary "
            "increase is a real cost.",
            3,
        ),
        C(
            0,
            "laowai_lurker",
            180,
            "The third Weibo comment is the one: ‘electricity doubled, rent didn’t go down, and "
            "we’re angry at the noodle guy?’",
            6,
        ),
        C(
            1,
            "grumpy_expat",
            10,
            "Everyone is always angry at the noodle guy because the noodle guy is the one "
            "standing in front of you. You can’t shout at the power grid.",
            8,
        ),
        C(
            2,
            "old_shanghai_hand",
            13,
            "That’s a surprisingly profound statement about modern life, Grumpy.",
            6,
        ),
        C(3, "grumpy_expat", 4, "I contain multitudes.", 7),
        C(
            0,
            "seoul_searching",
            240,
            "How much is 3 yuan anyway? Around 550 won? About 40 cents? That’s… really not much.",
            1,
            3,
        ),
        C(
            1,
            "mei_l",
            10,
            "On a 16-yuan bowl it’s nearly 20%. Picture your own lunch: a 10,000-won meal with a "
            "2,000-won ‘AC fee’ on the receipt. You’d notice.",
            7,
        ),
        C(2, "seoul_searching", 8, "Okay, put like that it’s a lot. I withdraw my ‘not much’.", 5),
        C(
            0,
            "xiaolongbao_fan",
            300,
            "I just want a good bowl of noodles in air-conditioning. I’d pay the 3 yuan and "
            "never think about it. Some of you are fighting for a principle at 38 degrees.",
            4,
            2,
        ),
        C(1, "minji_k", 9, "Principles don’t melt at 38 degrees 😤", 3),
        C(2, "xiaolongbao_fan", 5, "Mine evaporate at about 35.", 8),
        C(
            0,
            "hanbit",
            380,
            "The real question: are the noodles good? Nobody in the article says whether the "
            "noodles are any good.",
            6,
        ),
        C(
            1,
            "laowai_lurker",
            22,
            "It’s Hangzhou, so probably *pian’erchuan* (pickled greens, pork and bamboo shoots). "
            "If they’re good, 19 is a steal.",
            3,
        ),
        C(
            2,
            "xiaolongbao_fan",
            8,
            "Sounds right for 16 yuan at a small shop. "
            "[A recipe, for anyone who wants to avoid the fee entirely]"
            "(https://example.com/recipes/pianerchuan).",
            4,
        ),
        C(
            0,
            "daejang",
            450,
            "Thanks for translating the regulator’s answer. Most reposts of this story I saw "
            "were just the receipt and the outrage.",
            5,
        ),
        C(
            1,
            "mei_l",
            12,
            "Agreed, it’s the most useful part. Most people don’t know they can ask for the fee "
            "back.",
            3,
        ),
    ],
}


CAMPUS_CAT_COURSE = {
    "slug": "chengdu-campus-cat-care-elective",
    "title": "Chengdu university’s ‘campus cat care’ elective fills 60 places in 40 seconds",
    "dek": (
        "The one-credit course covers feeding, neutering and first aid. An engineering "
        "professor says it cheapens academic credit; students say it is the most useful class "
        "they have taken."
    ),
    "category": "Education",
    "tags": ["Universities", "Animals", "Students"],
    "source_name": "Jinjiang Campus Weekly",
    "source_url": "https://example.com/jinjiang-campus-weekly/news/4410",
    "source_language": "zh",
    "translator": "Wen Qiao",
    "hours_ago": 100,
    "body": """
<p>A university in Chengdu has introduced a one-credit elective on looking after the dozens of
stray cats that live on its campus. All 60 places were taken within 40 seconds of registration
opening, according to the student newspaper.</p>
<p>The course, officially “Campus Animal Welfare Practice”, is taught jointly by a lecturer from
the veterinary school and the student volunteer group that has fed the cats for years. Students
learn feeding schedules, how to keep a health record for each cat, how trap-neuter-return
programmes work, and basic first aid. Half the grade comes from a care log kept over the
semester.</p>
<p>“Before the course, feeding was chaos,” said a third-year student who helps run the volunteer
group. “Some cats were fed five times a day and became very round. Some were never seen. Now we
have a map and a rota.”</p>
<h2>“Is this what a credit is worth?”</h2>
<p>Not all staff are convinced. A professor in the engineering school wrote on his public
account that “awarding academic credit for feeding cats devalues the work students do in
serious courses.” His post received several thousand replies, most of them photos of cats.</p>
<p>The lecturer teaching the course replied that it covers animal behaviour, public health and
disease control, “which are serious subjects, even if the students are smiling.”</p>
<p>The university says it may add a second section next semester. The volunteer group says the
number of cats on campus has fallen slightly since neutering began, which it considers the
course’s real result.</p>
""",
    "source_comments": [
        S(
            "weibo",
            "A professor complains and gets thousands of cat photos back. The internet is "
            "working as intended.",
            "教授一抱怨，收到几千张猫片回复。互联网正常运转中",
            31204,
        ),
        S(
            "weibo",
            "60 places in 40 seconds. Harder to get into than my actual major’s courses.",
            "40秒抢光60个名额，比我专业课还难选",
            12876,
        ),
        S(
            "weibo",
            "The cats that got ‘very round’ need their own course: Campus Cat Weight Management.",
            "那些“圆滚滚”的猫需要单独开一门课：校园猫体重管理",
            9950,
            None,
            "圆滚滚 (yuán gǔn gǔn), “round and rolling”, is the usual affectionate word for a "
            "chubby pet.",
        ),
        S(
            "baidu",
            "The cats at our school are fatter than the students. Every exam week the students "
            "lose weight and the cats gain it.",
            "我们学校的猫比学生还胖。每次考试周学生瘦了猫胖了",
            402,
        ),
        S(
            "baidu",
            "Serious question: does this count as a PE credit? Chasing cats is cardio.",
            "认真问：这个算体育学分吗？追猫也是有氧运动",
            311,
        ),
        S(
            "baidu",
            "The engineering professor has a point. I would still take the class though.",
            "工科教授说得有道理。但我还是要选这门课",
        ),
    ],
    "discussion": [
        C(
            0,
            "laowai_lurker",
            20,
            "‘Several thousand replies, most of them photos of cats’ is the best sentence I have "
            "read all week.",
            10,
        ),
        C(
            1,
            "xiaolongbao_fan",
            8,
            "The Chinese internet at its finest. You can’t argue with a cat photo.",
            7,
        ),
        C(2, "pedantic_pete", 14, "You *can*, technically. You will lose.", 8),
        C(
            0,
            "grumpy_expat",
            45,
            "Sorry, I’m with the engineering professor. A university credit should mean "
            "something. One credit for feeding cats is why nobody takes degrees seriously.",
            3,
            7,
        ),
        C(
            1,
            "mei_l",
            12,
            "Did you read the part about what it covers? Behaviour, public health, disease "
            "control, neutering. That’s an intro to applied vet science with fieldwork.",
            8,
            1,
        ),
        C(
            2,
            "grumpy_expat",
            16,
            "With the *fieldwork* being ‘give Mr Whiskers his dinner’. Come on.",
            2,
            5,
        ),
        C(
            3,
            "minji_k",
            10,
            "Keeping a care log for a whole semester is more steady work than half the electives "
            "I took, where attendance was the entire grade.",
            7,
        ),
        C(
            4,
            "grumpy_expat",
            14,
            "That’s an argument that the other electives are bad, not that this one is good.",
            6,
            1,
        ),
        C(
            5,
            "pedantic_pete",
            11,
            "Grumpy has a point there. ‘Other courses are worse’ isn’t a defence.",
            4,
        ),
        C(
            6,
            "mei_l",
            9,
            "Fine, a positive defence: the course fixed a real campus problem (uncoordinated "
            "feeding, an unneutered colony) with a measurable result (fewer cats). How many "
            "one-credit courses can say that?",
            9,
        ),
        C(
            7,
            "grumpy_expat",
            18,
            "…Okay. That’s a decent argument. I still think ‘credit’ is the wrong word, call it "
            "a service certificate. But I’ll stop calling it a joke.",
            8,
        ),
        C(8, "laowai_lurker", 5, "Character development in a comment thread. Screenshot this.", 10),
        C(
            1,
            "daejang",
            30,
            "Korean universities give volunteer hours for this sort of thing rather than "
            "credits. Feels like the right compromise.",
            4,
        ),
        C(
            2,
            "seoul_searching",
            12,
            "And then everyone games the volunteer hours. Nothing is safe from students "
            "optimising.",
            5,
        ),
        C(
            0,
            "kimchi_jjigae",
            70,
            "We need this in Korea. Every campus there has a cat with its own Instagram and a "
            "student-run fan club.",
            6,
        ),
        C(
            1,
            "minji_k",
            9,
            "Our campus cat had more followers than the university’s official account. True story.",
            8,
        ),
        C(
            2,
            "hanbit",
            13,
            "Ours had a name, a birthday party and a memorial when she died. The whole "
            "department cried.",
            7,
        ),
        C(3, "tired_dad", 11, "I’m not crying, you’re crying.", 6),
        C(
            0,
            "old_shanghai_hand",
            110,
            "The trap-neuter-return part is what matters. Plenty of campuses have had their cat "
            "numbers explode because people fed them without neutering. A course that organises "
            "it is a real public health measure.",
            9,
        ),
        C(
            1,
            "laowai_lurker",
            15,
            "Yes, the ‘number of cats has fallen’ line at the end is the real news. Feeding "
            "without neutering makes things worse every year.",
            5,
        ),
        C(
            2,
            "pedantic_pete",
            20,
            "Worth saying that the evidence on TNR is mixed for big open areas, but for an "
            "enclosed site like a campus it tends to work if most cats are covered. "
            "[Overview here](https://example.com/research/tnr-overview).",
            4,
            1,
        ),
        C(
            3,
            "old_shanghai_hand",
            12,
            "Good caveat. A walled campus with a dedicated volunteer group is about the best "
            "case there is.",
            3,
        ),
        C(
            0,
            "xiaolongbao_fan",
            160,
            "I can’t stop thinking about the cats that were fed five times a day and ‘became "
            "very round’. Respect.",
            8,
        ),
        C(1, "seoul_searching", 6, "Living the dream.", 6),
        C(
            2,
            "tired_dad",
            15,
            "Five meals a day and no deadlines. That’s not a cat, that’s a retired uncle.",
            9,
        ),
        C(3, "kimchi_jjigae", 7, "Retired-uncle cat is my new goal in life.", 5),
        C(
            0,
            "hanbit",
            210,
            "Engineering professor versus cats is the most predictable result in internet "
            "history. He should have known.",
            4,
            1,
        ),
        C(
            1,
            "old_shanghai_hand",
            18,
            "To be fair to him, he made a real point about credit inflation. It just drowned in "
            "cat pictures.",
            4,
            2,
        ),
        C(
            2,
            "mei_l",
            9,
            "He made it by calling the course ‘feeding cats’. If you want a serious debate, "
            "describe the other side accurately.",
            6,
        ),
        C(3, "old_shanghai_hand", 11, "Also fair. Half a point each, then.", 3),
        C(
            0,
            "minji_k",
            260,
            "60 places in 40 seconds. Course registration in East Asia is a blood sport.",
            7,
        ),
        C(
            1,
            "xiaolongbao_fan",
            5,
            "Our registration server crashed every single term. We’d all sit in the library "
            "refreshing at 8:59:58.",
            5,
        ),
        C(
            2,
            "daejang",
            10,
            "Same in Korea. People go to PC bangs for course registration because the "
            "connection is faster.",
            6,
        ),
        C(
            3,
            "laowai_lurker",
            9,
            "PC bang for course registration is hilarious and very believable.",
            4,
        ),
        C(
            0,
            "tired_dad",
            320,
            "My daughter wants to study veterinary medicine. Sending her this: ‘See, you can get "
            "credit for cats.’",
            5,
        ),
        C(
            1,
            "grumpy_expat",
            14,
            "Tell her the engineering professor disapproves. She’ll want it even more.",
            6,
        ),
        C(
            0,
            "seoul_searching",
            380,
            "What was ‘very round’ in the original Chinese? I want to use it.",
            2,
        ),
        C(
            1,
            "mei_l",
            10,
            "Probably 圆滚滚 (yuán gǔn gǔn), ‘round and rolling’, like the Weibo comment. It’s "
            "the standard word for a chubby pet.",
            7,
        ),
        C(2, "seoul_searching", 6, "圆滚滚. Perfect. My cat is now officially 圆滚滚.", 4),
        C(
            0,
            "daejang",
            440,
            "This is the kind of story I come here for. No outrage, just a university trying "
            "something and people arguing about credits and fat cats.",
            6,
        ),
        C(1, "hanbit", 10, "And a professor losing a debate to cat pictures.", 5),
        C(2, "kimchi_jjigae", 7, "The best kind of news.", 3),
        C(
            1,
            "pedantic_pete",
            25,
            "Agreed, although ‘no outrage’ is generous given how Grumpy opened.",
            4,
        ),
        C(2, "grumpy_expat", 6, "I was *provoking discussion*. You’re welcome.", 6, 1),
    ],
}


ARTICLES = [CAFE_NO_STUDY_ZONE, HOESIK_HALF_DAY, NOODLE_AC_FEE, CAMPUS_CAT_COURSE]
