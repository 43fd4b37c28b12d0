"""A generated content folder of any size, for benchmarks and scale tests.

    generate(Path("/tmp/big/content"), cases=1000, seed=1)

Deterministic for a seed (same files, same bytes), every content kind, realistic
Chinese text lengths (the sample's: a two-paragraph description, a one-line summary,
two to four actions), phone-proportioned (4:3) JPEG photos drawn with Pillow, and
cross-references both ways: cases ↔ patrol rounds ↔ lessons ↔ enterprises ↔ events.

The content is valid as an editor would write it: ids are file names, every
referenced item exists and is published, people consent, figures agree (per round:
rectified on the spot + referred ≤ hazards found, hazards found ≥ the cases linked to
it, no case dated after its round), no date after `END_DATE`, no personal numbers,
and anonymity holds: an enterprise behind an anonymous case is referenced by nothing
else, and no brand of any enterprise appears in any other text (the brand characters
never occur in the text fragments, which the generator asserts).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

from PIL import Image, ImageDraw

from campaignkit.content.enums import EVENT_KIND, FACILITY_KIND, HAZARD, PHOTO_STAGE, QUIZ_KIND, RISK, STATUS

END_DATE = dt.date(2026, 6, 30)  # the newest date written: fixed, so the corpus never depends on the clock
PHOTO_SIZE = (640, 480)  # 4:3 like a phone camera, small enough to generate and resize quickly
JPEG_QUALITY = 80

# Enterprise brands are two of these characters; none of them occurs in any fragment below
# (checked by _check_brand_characters), so a hidden enterprise's name can never appear by chance.
BRAND_CHARS = "鑫瑞祥泓昊煜晟璟锦澜琪骏钰峰霖曜森淼翔铭"
INDUSTRIES = [
    ("物流快递", "物流有限公司", "仓库"),
    ("机械制造", "机械有限公司", "车间"),
    ("包装材料", "包装材料有限公司", "厂房"),
    ("电子配件", "电子科技有限公司", "车间"),
    ("食品加工", "食品有限公司", "厂房"),
    ("快递配送", "配送服务有限公司", "分拣场"),
    ("纺织服装", "服饰有限公司", "车间"),
    ("建材销售", "建材商行", "门市"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万覃武钱戴严莫孔向汤"
GIVEN = "建国志刚秀英桂兰海波晓燕德明长林小丽雷红梅文华玉兰春生国强丽娟永红卫东淑珍立新家豪子涵雨轩思远佳怡浩然欣怡宇航梓萱俊杰"
TEAMS = ["共建区党员志愿服务队", "凤城物业巡查组", "共建区协管员", "网格员队伍"]
ROLES = {
    "共建区党员志愿服务队": "党员志愿者",
    "凤城物业巡查组": "物业巡查员",
    "共建区协管员": "共建区协管员",
    "网格员队伍": "网格员",
}

PLACES = ["北侧", "东门旁", "后院", "二楼窗口下", "卷帘门前", "宿舍楼下", "围墙边", "停车棚旁"]
FOUND = {
    HAZARD.flying_cord: [
        "巡查队发现员工从{spot}的窗口垂下一根插线板，楼下停着{n}辆正在充电的电动自行车，电线搭在窗框和车把上。",
        "卷帘门下压着一根电线，一直拖到门外，给停在路边的{n}辆电动车充电，插线板就放在地上。",
    ],
    HAZARD.corridor: [
        "楼道里并排停着{n}辆电动自行车，其中一辆正在充电，车身挡住了一半疏散通道。",
        "宿舍楼梯间的拐角处停放着{n}辆电动车，墙上的插座正给电池充电，旁边就是安全出口。",
    ],
    HAZARD.private_wiring: [
        "{spot}的墙上私接了一个插线板，电线没有穿管，接头处缠着胶布，下面停着{n}辆电动车。",
        "从配电箱私自引出一根电线，沿着墙角拉到停车处，供员工给电动车充电，电线外皮已经开裂。",
    ],
    HAZARD.battery_mod: [
        "一辆快递三轮车私自加装了大容量电池，电池用绳子捆在车斗里，正在{spot}充电。",
        "巡查时发现{n}辆电动车换装了来路不明的电池，充电器和电池也不匹配。",
    ],
    HAZARD.other: [
        "{spot}堆放着纸箱和包装材料，旁边停着{n}辆电动车，灭火器已经过期。",
        "充电处的灭火器压力不足，雨棚四周被杂物围住，车辆进出很不方便。",
    ],
}
DANGER = [
    "电线日晒雨淋、被门压、被车轧，绝缘层容易破损；插线板放在地上，下雨就可能进水。",
    "一旦充电时起火，火和烟会顺着窗口、门洞往屋里钻，还会堵住出口。",
    "充电是电动自行车最容易出事的时段之一，车和电池都不要进楼道、车间、宿舍。",
    "附近堆放着可燃的纸箱和包装材料，起火后火势蔓延很快。",
]
ANSWER = [
    "企业负责人当场表示马上整改，并安排专人每天下班前巡看一遍停放区。",
    "巡查队向值班负责人说明了危险，约定下一轮回头看。",
    "员工表示以后把车推到集中充电处充电，不再图方便拉线。",
]
ACTIONS = [
    "巡查队现场拍照，向值班负责人说明飞线充电的危险",
    "当场拆除插线板和电线，车辆移到临时停放区",
    "提醒员工到最近的集中充电处充电",
    "企业在院内划出电动车停放区",
    "下一轮巡查回头看，未发现反弹",
    "向企业发放安全充电提示单",
    "督促企业更换过期的灭火器",
    "拒不整改，移交职能部门处置",
]
SUMMARY = [
    "{spot}拉线给{n}辆电动车充电，当场拆除。",
    "{spot}发现{hazard}隐患，已要求限期整改。",
    "{hazard}：{n}辆车停在{spot}，巡查队提醒整改。",
]
TAGS = ["窗口飞线", "物流快递", "宿舍", "楼道", "回头看", "集中充电"]
STORY = [
    "第一轮巡查时，巡查队在{place}发现员工拉线给电动车充电，企业负责人当场让人拆除电线，把车辆移到院内临时停放。",
    "整改没有停在“拆线”这一步。企业主动在院内腾出一块远离库房的空地，配合社区建设集中充电处，员工下班前都把车推过去充电。",
    "此后企业每天安排值班人员下班前巡看一遍停放区，几轮回头看都没有出现反弹。",
]
PRACTICES = [
    "发现飞线充电当场拆除，不拖到第二天",
    "腾出远离库房的空地，配合建设集中充电处",
    "值班人员每天下班前巡看停放区和充电区",
    "新员工入职第一课讲电动车停放和充电规定",
    "发现员工把电池带进仓库、宿舍，班组长当场劝阻",
]
PERSON_STORY = [
    "从上门摸排开始，就和协管员一起入企走访，一家一家地看停车和充电的地方。",
    "熟悉共建区每条路、每个院子，集中充电处选址时，哪块空地离厂房远、进出方便，给出了不少建议。",
    "每轮巡查都拿着记录表回头看，发现反弹的就当场提醒，再告诉企业负责人。",
]
EVENT_SUMMARY = [
    "社区组织企业员工和快递骑手参加安全{kind}，工作人员讲解了飞线充电的危害和安全充电的做法。",
    "{kind}后，企业员工轮流上手练习灭火器的使用，工作人员再次讲解飞线充电的危害。",
    "做法突出的企业负责人上台交流，分享“给员工找到充电的地方”等经验。",
]
LESSON_TOPICS = [
    ("飞线充电的危害", "企业员工"),
    ("电动车电池安全", "快递骑手"),
    ("企业消防安全责任", "企业负责人"),
    ("楼道和出口不停车", "企业员工"),
    ("灭火器怎么用", "企业员工"),
    ("集中充电处的管理", "企业负责人"),
]
KEY_POINTS = [
    "充电是电动自行车最容易出事的时段之一，车和电池都不要进楼道、车间、宿舍。",
    "从窗口、门口、楼上拉线给车充电就是“飞线充电”，发现了就要拆。",
    "到集中充电处充电，用原装或匹配的合格充电器，不要整夜充电。",
    "发现飞线充电，先劝阻，再告诉网格员或协管员。",
]
DOS = ["把车停到集中充电处或企业划定的停放区", "使用原装充电器，或与电池匹配的合格充电器", "电池避免暴晒，远离热源"]
DONTS = [
    "不要从窗口、门口、楼上拉线给电动车充电",
    "不要把电动车或电池带进楼道、车间、宿舍停放、充电",
    "不要整夜充电",
    "不要私自改装车辆，不要换装更大容量的电池",
]
LESSON_BODY = [
    "## 为什么要讲这一课\n\n",
    "从楼上窗口垂下电线、从门口拖出插线板，给停在外面的电动自行车充电，电线像“飞”在半空，大家就叫它“飞线充电”。",
    "飞线看起来只是“一根线”，问题却不少：电线日晒雨淋、被门压、被车轧，绝缘层容易破损。",
    "\n\n## 怎样做\n\n",
    "车停到集中充电处，充好及时把车挪开；发现有人拉线充电，先劝阻，再报告网格员。",
    '\n\n!!! warning "注意"\n    发现电动车起火，不要靠近去推车，先离开、再报警。\n',
]
REFERENCES = [
    {"title": "《中华人民共和国消防法》第二十八条"},
    {"title": "《高层民用建筑消防安全管理规定》（应急管理部令第5号）第三十七条"},
    {"title": "GB 17761-2018《电动自行车安全技术规范》"},
]
QUIZ = [
    {
        "question": "从宿舍窗口拉线给电动车充电，属于哪种隐患？",
        "kind": QUIZ_KIND.single.text,
        "options": ["楼道停放", "飞线充电", "电池改装"],
        "answer": "B",
        "explanation": "从窗口、门口、楼上拉线充电就是飞线充电。",
    },
    {
        "question": "下面哪些做法是对的？",
        "kind": QUIZ_KIND.multiple.text,
        "options": ["到集中充电处充电", "整夜充电", "使用匹配的合格充电器"],
        "answer": ["A", "C"],
        "explanation": "不要整夜充电，充好及时把车挪开。",
    },
    {
        "question": "电动车起火时应先去把车推开。",
        "kind": QUIZ_KIND.judge.text,
        "answer": "错",
        "explanation": "起火后温度上升很快，先离开、再报警。",
    },
]
PLEDGES = [
    {
        "title": "企业电动车安全充电承诺书",
        "audience": "企业",
        "signer": "企业负责人",
        "intro": "为防止电动自行车“飞线充电”和违规停放充电引发火灾，本企业作出以下承诺，并接受社区、巡查队和员工的监督。",
        "promises": [
            "不占用、堵塞、封闭疏散通道、安全出口和消防车通道。",
            "发现从窗口、门口、楼上拉线充电的，当场劝阻并拆除。",
            "在厂区划出远离厂房、仓库的电动车停放区，引导员工到集中充电处充电。",
        ],
        "references": [{"title": "《中华人民共和国消防法》第二十八条"}],
    },
    {
        "title": "员工和骑手电动车安全充电承诺书",
        "audience": "员工和骑手",
        "signer": "本人",
        "intro": "我知道电动车起火蔓延快、烟气毒，为了自己和工友的安全，我承诺做到以下几点。",
        "promises": [
            "不从窗口、门口、楼上拉线给电动车充电。",
            "车和电池不进宿舍、楼道、车间、仓库，到集中充电处充电。",
            "用原装或匹配的合格充电器，不整夜充电。",
        ],
    },
]
FACILITY_SPOTS = ["北区路口东侧绿化带旁", "东门停车场内", "物流片区空地", "南区宿舍楼西侧", "西门岗亭旁", "中心路口南侧"]


def _check_brand_characters() -> None:
    text = json.dumps(
        [
            list(FOUND.values()),
            DANGER,
            ANSWER,
            ACTIONS,
            SUMMARY,
            TAGS,
            STORY,
            PRACTICES,
            PERSON_STORY,
            EVENT_SUMMARY,
            LESSON_TOPICS,
            KEY_POINTS,
            DOS,
            DONTS,
            LESSON_BODY,
            REFERENCES,
            QUIZ,
            PLACES,
            FACILITY_SPOTS,
            PLEDGES,
            TEAMS,
            list(ROLES.values()),
            INDUSTRIES,
            SURNAMES,
            GIVEN,
        ],
        default=str,
        ensure_ascii=False,
    )
    clash = sorted(set(BRAND_CHARS) & set(text))
    assert not clash, f"brand characters used in fragments: {clash}"


def sizes(cases: int) -> dict[str, int]:
    """How many items of each kind go with `cases` cases (the sample's proportions, roughly)."""
    return {
        "cases": cases,
        "enterprises": max(6, cases // 10),
        "people": max(8, cases // 25),
        "lessons": min(len(LESSON_TOPICS), 3 + cases // 300),
        "patrols": max(3, cases // 20),
        "facilities": max(4, min(len(FACILITY_SPOTS) * 3, 4 + cases // 100)),
        "events": max(3, cases // 25),
        "pledges": len(PLEDGES),
    }


def generate(target: Path, cases: int, seed: int = 0, photos: bool = True) -> dict[str, int]:
    """Write a complete content folder into `target` (created; must not exist); return the counts."""
    _check_brand_characters()
    target = Path(target)
    target.mkdir(parents=True)
    rnd = random.Random(seed)
    n = sizes(cases)
    writer = _Writer(target, rnd, photos)
    writer.write(
        "site.yml",
        {
            "title": "共建区安全充电",
            "org": "孙唐社区党总支",
            "base_url": "https://aqcd.example.cn/",
            "description": "孙唐社区党总支牵头整治海陵工业园区共建区电动车“飞线充电”（生成的测试内容）。",
            "area": {"name": "海陵工业园区共建区", "enterprise_count": n["enterprises"] + 20},
            "contact": {"office": "共建区管理办公室", "phone": "0523-86000000", "address": "泰州市海陵工业园区共建区管理办公室"},
            "credits": {"contributor": "孙唐社区组织科", "reviewer": "组织科", "publisher": "宣传科"},
            "copyright": "© 孙唐社区党总支。本站为生成的测试内容，企业名称、人物姓名均为虚构。",
        },
    )

    # Patrol rounds: weekly, ending at END_DATE.
    rounds = [
        {"id": f"round-{i + 1:03d}", "round": i + 1, "date": END_DATE - dt.timedelta(days=7 * (n["patrols"] - 1 - i))}
        for i in range(n["patrols"])
    ]
    lessons = [f"lesson-{i + 1:02d}" for i in range(n["lessons"])]

    # Enterprises: a third are behind anonymous cases only (hidden); the rest may be named.
    brands = [a + b for a in BRAND_CHARS for b in BRAND_CHARS if a != b]
    rnd.shuffle(brands)
    enterprises = []
    for i in range(n["enterprises"]):
        industry, legal, site_word = INDUSTRIES[i % len(INDUSTRIES)]
        brand = brands[i % len(brands)] + ("" if i < len(brands) else str(i // len(brands)))
        enterprises.append(
            {
                "id": f"ent-{i + 1:04d}",
                "name": f"示例·{brand}{legal}",
                "industry": industry,
                "site_word": site_word,
                "hidden": i % 3 == 2,
                "model": i % 7 == 0 and i % 3 != 2,
                "cases": [],
            }
        )
    named = [e for e in enterprises if not e["hidden"]]
    hidden = [e for e in enterprises if e["hidden"]]

    # Cases: spread over the rounds, found on the day of their round.
    case_ids = []
    for i in range(cases):
        rnd_round = rounds[i * len(rounds) // max(cases, 1)]
        hazard = rnd.choices(list(HAZARD), weights=[5, 2, 2, 1, 1])[0]
        status = rnd.choices(list(STATUS), weights=[1, 1, 6, 1])[0]
        anonymous = rnd.random() < 0.75
        ent = rnd.choice(hidden if anonymous else named) if rnd.random() < 0.8 else None
        if ent is not None and not anonymous and ent["model"] is False and rnd.random() < 0.3:
            ent = None
        found = rnd_round["date"]
        case_id = f"case-{i + 1:05d}"
        case_ids.append(case_id)
        rnd_round.setdefault("cases", []).append((case_id, status))
        spot = rnd.choice(PLACES)
        count = rnd.randint(2, 6)
        data = {
            "title": f"{ent['site_word'] if ent else '厂区'}{spot}{hazard.text}（第{i + 1}例）",
            "found_on": found.isoformat(),
            "place": (
                f"{ent['name']}{ent['site_word']}{spot}"
                if ent and not anonymous
                else f"共建区某{(ent or rnd.choice(enterprises))['industry']}企业"
            ),
        }
        if ent:
            data["enterprise"] = ent["id"]
            ent["cases"].append(case_id)
        data["anonymous"] = anonymous
        data.update(hazard=hazard.text, risk=rnd.choice(list(RISK)).text, status=status.text)
        if status is STATUS.fixed:
            data["rectified_on"] = min(END_DATE, found + dt.timedelta(days=rnd.choice([0, 0, 1, 3, 7]))).isoformat()
        data["summary"] = rnd.choice(SUMMARY).format(spot=spot, n=count, hazard=hazard.text)
        data["description"] = "\n\n".join(
            [rnd.choice(FOUND[hazard]).format(spot=spot, n=count) + rnd.choice(DANGER), rnd.choice(DANGER) + rnd.choice(ANSWER)]
        )
        data["actions"] = rnd.sample(ACTIONS[:-1], rnd.randint(2, 4)) + ([ACTIONS[-1]] if status is STATUS.referred else [])
        shots = []
        if photos and rnd.random() < 0.8:
            shots.append(
                writer.photo(
                    f"cases/{case_id}-before.jpg",
                    "窗外垂下的电线连着楼下的电动车",
                    PHOTO_STAGE.before.text,
                    f"整改前：{hazard.text}（示意图）",
                )
            )
        if photos and status is STATUS.fixed and rnd.random() < 0.6:
            shots.append(
                writer.photo(
                    f"cases/{case_id}-after.jpg",
                    "电动车整齐停在集中充电棚下",
                    PHOTO_STAGE.after.text,
                    "整改后：车辆到集中充电处充电（示意图）",
                )
            )
        if shots:
            data["photos"] = shots
        data["lessons"] = sorted(rnd.sample(lessons, rnd.randint(1, min(2, len(lessons)))))
        data["patrol"] = rnd_round["id"]
        data["tags"] = rnd.sample(TAGS, 2)
        writer.write(f"cases/{case_id}.yml", data)

    for r in rounds:
        linked = r.get("cases", [])
        found_here = len(linked) + rnd.randint(0, 3)
        fixed = sum(1 for _, s in linked if s is STATUS.fixed)
        referred = sum(1 for _, s in linked if s is STATUS.referred)
        writer.write(
            f"patrols/{r['id']}.yml",
            {
                "round": r["round"],
                "date": r["date"].isoformat(),
                "team": ["网格员", "党员志愿者", "物业人员"],
                "enterprises_checked": rnd.randint(30, 80),
                "hazards_found": found_here,
                "rectified_on_spot": fixed,
                "referred": referred,
                "cases": [c for c, _ in linked[:3]],
                "note": f"第{r['round']}轮巡查，重点回头看上一轮发现的问题。",
            },
        )

    for i, lesson in enumerate(lessons):
        topic, audience = LESSON_TOPICS[i]
        writer.write(
            f"lessons/{lesson}.yml",
            {
                "title": topic,
                "audience": audience,
                "minutes": rnd.choice([15, 20, 30]),
                "objectives": ["知道什么是“飞线充电”，能在厂区、宿舍里认出这类隐患", "掌握在共建区安全停放、安全充电的做法"],
                "key_points": rnd.sample(KEY_POINTS, 3),
                "dos": DOS,
                "donts": DONTS,
                "body": "".join(LESSON_BODY),
                "cases": sorted(rnd.sample(case_ids, min(2, len(case_ids)))),
                "references": REFERENCES,
                "quiz": QUIZ,
            },
        )

    for e in enterprises:
        data = {"name": e["name"], "industry": e["industry"], "employees": rnd.randint(12, 300)}
        if e["model"]:
            data.update(
                model=True,
                recognized_on=(END_DATE - dt.timedelta(days=rnd.randint(0, 300))).isoformat(),
                honor="共建区安全生产示范企业",
            )
        data["story"] = "\n\n".join(s.format(place=e["site_word"]) for s in STORY)
        data["practices"] = rnd.sample(PRACTICES, 3)
        if photos:
            data["photos"] = [writer.photo(f"enterprises/{e['id']}.jpg", "企业厂区大门，门内是厂房", None, "企业厂区（示意图）")]
        writer.write(f"enterprises/{e['id']}.yml", data)

    used_names: set[str] = set()
    for i in range(n["people"]):
        team = TEAMS[i % len(TEAMS)]
        while True:
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
            if name not in used_names:
                used_names.add(name)
                break
        data = {
            "name": name,
            "role": ROLES[team],
            "party_member": team == TEAMS[0] or rnd.random() < 0.3,
            "team": team,
            "consent": True,
        }
        if photos:
            data["photo"] = writer.photo(f"people/person-{i + 1:03d}.jpg", f"{ROLES[team]}的头像剪影", None, None)
        data["story"] = "\n\n".join(rnd.sample(PERSON_STORY, 2))
        writer.write(f"people/person-{i + 1:03d}.yml", data)

    for i in range(n["facilities"]):
        kind = FACILITY_KIND.fire_station if i % 4 == 3 else FACILITY_KIND.charging
        data = {
            "name": f"共建区{FACILITY_SPOTS[i % len(FACILITY_SPOTS)][:2]}{kind.text}{i + 1}号",
            "kind": kind.text,
            "address": f"海陵工业园区共建区{FACILITY_SPOTS[i % len(FACILITY_SPOTS)]}",
            "opened_on": (END_DATE - dt.timedelta(days=rnd.randint(30, 600))).isoformat(),
        }
        if kind is FACILITY_KIND.charging:
            data.update(capacity=rnd.choice([8, 12, 16, 24]), hours="每天 6:00—22:00", fee="免费")
        if photos:
            data["photo"] = writer.photo(
                f"facilities/facility-{i + 1:03d}.jpg", "带雨棚的充电处，立柱上装有插座和灭火器箱", None, f"{kind.text}（示意图）"
            )
        data["location"] = {"lat": round(32.48 + rnd.random() / 100, 4), "lng": round(119.92 + rnd.random() / 100, 4)}
        writer.write(f"facilities/facility-{i + 1:03d}.yml", data)

    kinds = [k for k in EVENT_KIND if k is not EVENT_KIND.patrol]
    for i in range(n["events"]):
        kind = kinds[i % len(kinds)]
        day = END_DATE - dt.timedelta(days=(n["events"] - i) * 9)
        data = {
            "title": f"共建区电动车安全{kind.text}（第{i + 1}场）",
            "date": day.isoformat(),
            "kind": kind.text,
            "venue": "共建区管理办公室会议室",
            "speaker": "园区街道安全办工作人员",
            "lessons": sorted(rnd.sample(lessons, 1)),
            "attendance": rnd.randint(20, 80),
            "enterprises": sorted(e["id"] for e in rnd.sample(named, min(3, len(named)))),
            "summary": "\n\n".join(s.format(kind=kind.text) for s in EVENT_SUMMARY),
        }
        if photos:
            data["photos"] = [
                writer.photo(f"events/event-{i + 1:03d}.jpg", "会议室里坐满了听讲的员工", None, "活动现场（示意图）")
            ]
        writer.write(f"events/event-{i + 1:03d}.yml", data)

    for i, pledge in enumerate(PLEDGES):
        writer.write(f"pledges/pledge-{i + 1}.yml", pledge)

    (target / "pages").mkdir()
    (target / "pages" / "about.md").write_text(
        "---\ntitle: 关于本项目\ndescription: 生成的测试内容：党群齐心治“飞线”。\n---\n\n"
        "本站内容由程序生成，用于测试网站在内容很多时的速度。企业名称、人物姓名均为虚构，图片为示意图。\n\n"
        "## 我们怎么做\n\n巡查队伍常态化巡查：发现问题及时提醒整改，拒不整改的移交职能部门处置。\n",
        encoding="utf-8",
    )
    return {**n, "photos": writer.photos}


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9][^\n]*$")


def _scalar(value) -> str:
    """A value as an editor writes it: plain where YAML reads it back as the same text, quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value  # dates are written bare; the kit reads them as text
    if (
        _PLAIN.match(value)
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and value.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "~")
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


def to_yaml(data: dict, indent: int = 0) -> str:
    pad = " " * indent
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:\n{to_yaml(value, indent + 2)}")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.append(f"{pad}{key}:")
            for v in value:
                block = to_yaml(v, indent + 4)
                out.append(f"{pad}  - {block.lstrip()}".rstrip("\n"))
        elif isinstance(value, list) and all(re.fullmatch(r"[a-z0-9-]+|[A-J]", str(v)) for v in value):
            out.append(f"{pad}{key}: [{', '.join(value)}]")
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            out += [f"{pad}  - {_scalar(v)}" for v in value]
        elif isinstance(value, str) and "\n" in value:
            body = "\n".join((pad + "  " + line) if line else "" for line in value.rstrip("\n").split("\n"))
            out.append(f"{pad}{key}: |\n{body}")
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")
    return "\n".join(out) + "\n"


class _Writer:
    def __init__(self, root: Path, rnd: random.Random, photos: bool):
        self.root, self.rnd, self.photos = root, rnd, 0

    def write(self, rel: str, data: dict) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_yaml(data), encoding="utf-8")

    def photo(self, rel: str, alt: str, stage: str | None, caption: str | None) -> dict:
        path = self.root / "media" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        draw_photo(self.rnd).save(path, "JPEG", quality=JPEG_QUALITY)
        self.photos += 1
        out = {"file": rel, "alt": alt}
        if caption:
            out["caption"] = caption
        if stage:
            out["stage"] = stage
        return out


def draw_photo(rnd: random.Random) -> Image.Image:
    """A flat scene (sky, a building with windows, a cord, a few bikes) with sensor-like noise,
    so it compresses like a photo, not like a drawing."""
    w, h = PHOTO_SIZE
    image = Image.new("RGB", (w, h), (200 + rnd.randint(0, 40), 220 + rnd.randint(0, 30), 240))
    draw = ImageDraw.Draw(image)
    horizon = rnd.randint(h * 3 // 5, h * 4 // 5)
    draw.rectangle((0, horizon, w, h), fill=(150 + rnd.randint(0, 40),) * 3)
    x0, x1 = rnd.randint(0, w // 4), rnd.randint(w * 3 // 4, w)
    top = rnd.randint(h // 10, h // 3)
    draw.rectangle((x0, top, x1, horizon), fill=tuple(rnd.randint(150, 230) for _ in range(3)))
    for wx in range(x0 + 20, x1 - 40, 70):
        for wy in range(top + 20, horizon - 60, 80):
            draw.rectangle((wx, wy, wx + 40, wy + 45), fill=(120, 160, 200))
    cord = [(rnd.randint(x0, x1), top + 60)] + [(rnd.randint(0, w), rnd.randint(top, h)) for _ in range(3)]
    draw.line(cord, fill=(30, 30, 30), width=3)
    for _ in range(rnd.randint(1, 4)):
        bx, by = rnd.randint(20, w - 120), rnd.randint(horizon, h - 40)
        colour = tuple(rnd.randint(30, 220) for _ in range(3))
        draw.ellipse((bx, by, bx + 36, by + 36), outline=(20, 20, 20), width=4)
        draw.ellipse((bx + 70, by, bx + 106, by + 36), outline=(20, 20, 20), width=4)
        draw.polygon([(bx + 18, by + 18), (bx + 50, by - 20), (bx + 88, by + 18)], fill=colour)
    return Image.blend(image, _noise(rnd), 0.1)


_NOISE: dict[int, Image.Image] = {}


def _noise(rnd: random.Random) -> Image.Image:
    """One of a few grain images drawn from `rnd` (Pillow's effect_noise has its own, unseeded, generator)."""
    key = rnd.randrange(4)
    if key not in _NOISE:
        grain = random.Random(key)
        _NOISE[key] = Image.frombytes("L", PHOTO_SIZE, grain.randbytes(PHOTO_SIZE[0] * PHOTO_SIZE[1])).convert("RGB")
    return _NOISE[key]
