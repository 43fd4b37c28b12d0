"""The quiz under each lesson, tapped like a reader would: a wrong choice shows the explanation
and the right answer, the right choice says so, and without JavaScript (some WeChat settings,
some old phones) every answer still opens under its question."""

from __future__ import annotations

from .support import content

LESSON_ID, LESSON = next((i, lesson) for i, lesson in content("lessons").items() if lesson.get("quiz"))
QUESTIONS = list(enumerate(LESSON["quiz"], 1))
LESSON_URL = f"lessons/{LESSON_ID}/"


def answers(q: dict) -> list[str]:
    return q["answer"] if isinstance(q["answer"], list) else [q["answer"]]


def wrong_choice(q: dict) -> list[str]:
    right = answers(q)
    if q["kind"] == "judge":
        return ["错" if right == ["对"] else "对"]
    if q["kind"] == "multiple":
        return right[:-1] or [next(c for c in "ABCDEFGHIJ" if c not in right)]  # some, not all
    return [next(c for c in "ABCDEFGHIJ"[: len(q["options"])] if c not in right)]


def answer_all(page, wrong: bool) -> list[str]:
    """Answer every question (wrongly or rightly) and return what did not look as it should."""
    problems = []
    for n, q in QUESTIONS:
        form = page.locator(f"form.ck-question#q{n}")
        for value in wrong_choice(q) if wrong else answers(q):
            form.locator(f"input[value='{value}']").check()
        button = form.get_by_role("button", name="提交答案")
        if not button.is_visible():
            problems.append(f"q{n}: no visible 提交答案 button")
            continue
        button.click()
        result = form.locator(".ck-result")
        right = "、".join(answers(q))
        expected = f"✕ 回答错误，正确答案是 {right}" if wrong else "✓ 回答正确！"
        if result.inner_text() != expected or ("ck-wrong" if wrong else "ck-right") not in result.get_attribute("class"):
            problems.append(f"q{n}: result {result.inner_text()!r}, expected {expected!r}")
        if wrong and not (
            form.get_by_text(q["explanation"]).is_visible() and form.get_by_text(f"正确答案：{right}").is_visible()
        ):
            problems.append(f"q{n}: the explanation and right answer are not shown after a wrong answer")
    return problems


def answers_without_javascript(page) -> list[str]:
    """With scripts off: each answer is hidden at first and opens under its question on a tap."""
    problems = []
    for n, q in QUESTIONS:
        form = page.locator(f"form.ck-question#q{n}")
        if form.get_by_role("button", name="提交答案").is_visible():
            problems.append(f"q{n}: a 提交答案 button that cannot work without JavaScript")
        explanation = form.get_by_text(q["explanation"])
        if explanation.is_visible():
            problems.append(f"q{n}: the answer shows before the reader asks for it")
        opener = form.get_by_text("查看答案与解析")
        if not opener.is_visible():
            problems.append(f"q{n}: no 查看答案与解析 under the question")
            continue
        opener.click()
        if not (explanation.is_visible() and form.get_by_text(f"正确答案：{'、'.join(answers(q))}").is_visible()):
            problems.append(f"q{n}: 查看答案与解析 does not show the right answer and the explanation")
    return problems


def test_wrong_answer_shows_the_right_one_and_why(phone):
    page = phone.open(LESSON_URL, scroll=False, wait="load")
    assert answer_all(page, wrong=True) == []
    assert phone.watch.problems() == []


def test_right_answer_says_so(phone):
    page = phone.open(LESSON_URL, scroll=False, wait="load")
    assert answer_all(page, wrong=False) == []
    assert phone.watch.problems() == []


def test_without_javascript_every_answer_opens_under_its_question(phone_without_js):
    page = phone_without_js.open(LESSON_URL, scroll=False, wait="load")
    assert page.evaluate("typeof window.__md_get") == "undefined"  # really no script ran
    assert answers_without_javascript(page) == []
    assert phone_without_js.watch.problems() == []
