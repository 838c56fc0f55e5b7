"""The real app in headless Chromium (Debian's chromium + chromedriver, driven by selenium):
ask, see the cited Arabic sentence highlighted right-to-left, pick a citation, follow up,
check a claim, add a hostile document through the page, and fetch nothing from outside.

Set FACTBOT_UPDATE_SCREENSHOT=1 to also write docs/screenshot.png (the README's picture, taken
after a question and its follow-up); otherwise the screenshot only goes to the test's tmp
folder, leaving the repository clean.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import CORPUS, ROOT, load_script

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)"),
]

TROOPS_Q = "How many US troops remain in Iraq?"
WAIT_S = 120  # an answer on a loaded 2-core machine can take many seconds (the first loads models)
EVIL = "<script>alert(1)</script> The sky bulletin reads <img src=x onerror=alert(2)> calm."


app_ready = load_script("app_ready")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser") / "home"
    done = subprocess.run([str(Path(sys.executable).parent / "factbot"), "--home", str(home), "ingest", str(CORPUS)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    proc, url, _ = app_ready.start_app(home, log=home.parent / "app.log")
    try:
        yield url
    finally:
        app_ready.stop_app(proc)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
                 "--window-size=1400,1000", "--lang=en-US"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The driver path is given: selenium-manager never runs, nothing is downloaded.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()


def _wait(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def _visible_text(driver, element) -> str:
    """A <mark>'s text without its citation label (<sup>)."""
    return driver.execute_script(
        "const c = arguments[0].cloneNode(true); c.querySelectorAll('sup').forEach(s => s.remove());"
        "return c.textContent;", element)


def _tab(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, f"//button[@role='tab' and normalize-space()='{name}']").click()


def _ask(driver, question: str, n_answers: int) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = _wait(driver, "#fb-question textarea")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "#fb-ask").click()
    try:
        WebDriverWait(driver, WAIT_S).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer")) >= n_answers)
    except TimeoutException:  # say what the page shows instead
        toasts = [t.text for t in driver.find_elements(By.CSS_SELECTOR, ".toast-body")]
        chat = driver.find_element(By.CSS_SELECTOR, "#fb-chat").text
        pytest.fail(f"no answer to {question!r} after {WAIT_S} s; messages {toasts!r}; chat {chat[-300:]!r}")
    time.sleep(0.3)  # the scroll script runs ~60 ms after the update


@pytest.fixture(scope="module")
def page(browser, app_url):
    browser.get(app_url)
    _wait(browser, "#fb-question textarea")
    return browser


def test_asking_shows_the_answer_citations_and_the_highlighted_sentence(page, tmp_path):
    from selenium.webdriver.common.by import By

    _ask(page, TROOPS_Q, 1)
    answer = page.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer")[-1]
    assert "fb-abstain" not in answer.get_attribute("class")
    assert "[1]" in answer.text and "confidence" in answer.text
    cited = answer.find_elements(By.CSS_SELECTOR, ".fb-cites li .fb-quote")
    assert cited and "2500" in cited[0].text  # "حوالي 2500 جندي أمريكي": the troops sentence

    mark = page.find_element(By.CSS_SELECTOR, "#fb-ask-panel mark.focus")
    assert mark.get_attribute("id") == "ask-t1-1"  # turn 1, citation 1
    assert _visible_text(page, mark) == cited[0].text  # the highlighted span is the cited sentence
    panel = page.find_element(By.CSS_SELECTOR, "#fb-ask-panel .fb-doc")
    assert (panel.get_attribute("dir"), panel.get_attribute("lang")) == ("rtl", "ar")
    # Scrolled into view inside the panel: the mark's box lies within the panel's box.
    inside = page.execute_script(
        "const m = arguments[0].getBoundingClientRect(), p = arguments[1].getBoundingClientRect();"
        "return m.top >= p.top - 1 && m.top <= p.bottom;", mark, panel)
    assert inside

    shot = tmp_path / "screenshot.png"
    page.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000  # a real picture, not an empty canvas


def test_follow_up_question_uses_the_previous_one(page):
    from selenium.webdriver.common.by import By

    _ask(page, "and when was it formed?", 2)
    answer = page.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer")[-1]
    # The follow-up is read with the previous question's topic words (shown to the user).
    assert "read as: us troops remain iraq — and when was it formed?" in answer.text
    assert "2014" in answer.text.split("\n")[0]  # the coalition was formed in 2014 (the cited sentence says so)
    if os.environ.get("FACTBOT_UPDATE_SCREENSHOT") == "1":  # the README's picture: two turns, one follow-up
        (ROOT / "docs").mkdir(exist_ok=True)
        page.save_screenshot(str(ROOT / "docs" / "screenshot.png"))


def test_clicking_a_marker_of_an_earlier_answer_highlights_its_sentence(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    first = page.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer")[0]
    first.find_element(By.CSS_SELECTOR, '.fb-cites .fbk-ask-t1-1').click()
    WebDriverWait(page, WAIT_S).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#fb-ask-panel mark.focus").get_attribute("id") == "ask-t1-1")
    picked = page.find_element(By.CSS_SELECTOR, "#fb-ask-pick input:checked")
    assert picked.get_attribute("value") == "ask-t1-1"  # the picker shows turn 1's citations again


def test_checking_a_claim_shows_a_badge_and_evidence(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _tab(page, "Check")
    box = _wait(page, "#fb-claim textarea")
    box.clear()
    box.send_keys("About 5,000 US troops remain in Iraq.")
    page.find_element(By.CSS_SELECTOR, "#fb-check").click()
    badge = _wait(page, "#fb-verdict .fb-badge")
    assert badge.text in ("SUPPORTED", "REFUTED", "NOT ENOUGH INFO")
    assert badge.text == "REFUTED"  # the article says about 2,500 remain
    colour = badge.value_of_css_property("background-color")
    assert colour == "rgba(185, 28, 28, 1)"  # #b91c1c: the red of REFUTED
    mark = _wait(page, "#fb-check-panel mark.focus")
    assert "2500" in _visible_text(page, mark)

    # The folded evidence list: picking the second evidence sentence moves the highlight to it.
    page.find_element(By.XPATH, "//button[contains(., 'All evidence: pick one to highlight it')]").click()
    second = _wait(page, "#fb-check-pick input[value='check-2']")
    page.execute_script("arguments[0].click()", second)
    WebDriverWait(page, WAIT_S).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#fb-check-panel mark.focus").get_attribute("id") == "check-2")
    # the reason, the verdict's explanation, is readable: WCAG AA contrast (>= 4.5:1) on its background
    assert _contrast(page, page.find_element(By.CSS_SELECTOR, "#fb-verdict .fb-reason")) >= 4.5
    _tab(page, "Chat")


def _contrast(driver, element) -> float:
    """WCAG contrast ratio of an element's text colour on the first opaque background behind it."""
    return driver.execute_script("""
        const rgb = s => s.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                         .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
        let el = arguments[0], bg = [255, 255, 255];
        for (; el; el = el.parentElement) {
          const c = rgb(getComputedStyle(el).backgroundColor);
          if (c.length === 3 || c[3] > 0) { bg = c.slice(0, 3); break; }
        }
        const [a, b] = [lum(rgb(getComputedStyle(arguments[0]).color).slice(0, 3)), lum(bg)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);""", element)


def test_the_source_panel_title_stays_visible_when_the_highlight_is_scrolled_to(page):
    from selenium.webdriver.common.by import By

    _tab(page, "Check")
    # scrolled to its end (as to a highlight late in a long document): the title still shows
    shown = page.execute_script(
        "const box = document.querySelector('#fb-check-panel .fb-doc'); box.scrollTop = box.scrollHeight;"
        "const t = box.querySelector('.fb-doc-title').getBoundingClientRect(), p = box.getBoundingClientRect();"
        "return [box.scrollTop, t.top >= p.top - 1 && t.bottom <= p.bottom + 1];")
    assert shown[0] > 0 and shown[1], shown  # the panel did scroll, and the title is inside it
    _tab(page, "Chat")


def test_hostile_document_added_in_the_page_shows_as_text(page):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _tab(page, "Sources")
    name = page.find_element(By.XPATH, "//label[.//span[contains(., 'Name (becomes its id)')]]//input | "
                                       "//label[.//span[contains(., 'Name (becomes its id)')]]//textarea")
    name.send_keys("evil")
    text = _wait(page, "#fb-add-text textarea")
    text.send_keys(EVIL)
    page.find_element(By.XPATH, "//button[normalize-space()='Add and index']").click()
    WebDriverWait(page, WAIT_S).until(lambda d: "evil" in d.find_element(By.CSS_SELECTOR, "#fb-sources").text)
    assert "<script>alert(1)</script>" in page.find_element(By.CSS_SELECTOR, "#fb-sources").text  # shown as text

    _tab(page, "Chat")
    _ask(page, "What does the sky bulletin read?", 3)
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # no script ran
    assert page.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    body = page.find_element(By.CSS_SELECTOR, "#fb-ask-panel .fb-doc-body").text
    if "sky bulletin" in body:  # the panel shows the evil document: its markup is literal text
        assert "<img src=x onerror=alert(2)>" in body


def test_several_files_uploaded_in_the_page_are_all_indexed(page, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    files = [tmp_path / "harbour-note.txt", tmp_path / "orchard-note.md"]
    files[0].write_text("The harbour of Tavira reopened after the storm on Friday.", encoding="utf-8")
    files[1].write_text("The orchard near Evora lost half of its trees to frost.", encoding="utf-8")
    _tab(page, "Sources")
    chooser = page.find_element(By.CSS_SELECTOR, "#fb-add-files input[type=file]")
    chooser.send_keys("\n".join(str(f) for f in files))  # one choice of two files, as a file dialog makes
    WebDriverWait(page, WAIT_S).until(  # both listed (the page shows a name's stem and suffix apart)
        lambda d: all(f.stem in d.find_element(By.CSS_SELECTOR, "#fb-add-files").text for f in files))
    page.find_element(By.XPATH, "//button[normalize-space()='Add and index']").click()
    WebDriverWait(page, WAIT_S).until(
        lambda d: all(n in d.find_element(By.CSS_SELECTOR, "#fb-sources").text for n in ("harbour-note", "orchard-note")))


def _dismiss_toasts(driver) -> None:
    """Close every toast (the messages of earlier tests), so the next one can be counted."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("document.querySelectorAll('[data-testid=toast-close]').forEach(b => b.click())")
    WebDriverWait(driver, 10).until(lambda d: not _messages(d))


def _messages(driver) -> list[str]:
    """The visible toast messages, one entry per message (Gradio groups same-kind toasts)."""
    from selenium.webdriver.common.by import By

    return [t.text for t in driver.find_elements(By.CSS_SELECTOR, "[data-testid=toast-text]") if t.is_displayed()]


def _error_badges(driver) -> list[str]:
    """Components showing Gradio's "Error" status badge (its status tracker's span.error)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('span.error, .wrap.error')]"
        ".filter(e => e.offsetParent !== null).map(e => (e.closest('[id]') || e).id || e.className)")


def _refused(driver, text: str, message: str) -> None:
    """Send `text` from the question box; assert one message saying `message`, no answer,
    no error badge anywhere, and the box still holding all of `text`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _tab(driver, "Chat")  # whichever tab an earlier test left open
    answers = len(driver.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer"))
    _dismiss_toasts(driver)
    box = _wait(driver, "#fb-question textarea")
    box.clear()
    # Typed into the page as a paste would put it (send_keys of 5,000 characters is slow).
    driver.execute_script("arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", box, text)
    driver.find_element(By.CSS_SELECTOR, "#fb-ask").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: _messages(d))
    time.sleep(1.5)  # anything else the event would show (badges, a second toast) has rendered by now
    shown = _messages(driver)
    assert len(shown) == 1 and message in shown[0] and "Traceback" not in shown[0], shown
    assert _error_badges(driver) == []
    assert len(driver.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer")) == answers  # nothing answered
    assert driver.execute_script("return arguments[0].value.length", box) == len(text)  # nothing cut


def test_empty_question_shows_one_message_and_the_chat_keeps_working(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _refused(page, "   ", "the question is empty")
    answers = len(page.find_elements(By.CSS_SELECTOR, "#fb-chat .fb-answer"))
    _ask(page, TROOPS_Q, answers + 1)
    assert _error_badges(page) == []
    # The chat scrolled to the new answer: its last line lies inside the conversation's viewport.
    visible = ("const a = [...document.querySelectorAll('#fb-chat .fb-answer')].pop().getBoundingClientRect();"
               "let box = document.querySelector('#fb-chat'); for (const e of box.querySelectorAll('*'))"
               "  if (e.scrollHeight > e.clientHeight + 2 && getComputedStyle(e).overflowY !== 'visible') { box = e; break; }"
               "const b = box.getBoundingClientRect(); return a.bottom <= b.bottom + 2 && a.bottom >= b.top;")
    WebDriverWait(page, 10).until(lambda d: d.execute_script(visible))


def test_over_long_question_is_refused_with_the_cli_message(page):
    question = "word " * 993 + " " + TROOPS_Q  # 4,965 + 1 + 34 = 5,000 characters, the question last
    assert len(question) == 5000
    _refused(page, question, "the question is 5,000 characters; the limit is 2,000")


def test_evaluate_shows_progress_and_names_the_documents(page):
    import re

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _tab(page, "Evaluate")
    page.find_element(By.XPATH, "//label[.//span[normalize-space()='claims.jsonl']]//input").click()
    limit = page.find_element(By.XPATH, "//label[.//span[contains(., 'Only the first N items')]]//input")
    limit.clear()
    limit.send_keys("4")
    # Record every progress text the page shows, as the DOM changes: a 4-item run can finish
    # between two selenium polls (CI saw only the timers), so polling alone would miss it.
    page.execute_script(
        "window.__fbProgress = new Set();"
        "const grab = () => document.querySelectorAll('.progress-text, .progress-level-inner, .meta-text')"
        "  .forEach(e => window.__fbProgress.add(e.textContent.trim()));"
        "window.__fbObserver = new MutationObserver(grab);"
        "window.__fbObserver.observe(document.body, {subtree: true, childList: true, characterData: true});")
    page.find_element(By.XPATH, "//button[normalize-space()='Run evaluation']").click()
    WebDriverWait(page, WAIT_S, poll_frequency=0.05).until(
        lambda d: "claim accuracy" in d.find_element(By.CSS_SELECTOR, "body").text)
    seen = set(page.execute_script("window.__fbObserver.disconnect(); return [...window.__fbProgress];"))
    assert any(re.search(r"\b[0-4]/4\b", t) for t in seen), seen  # items done / total
    metrics = page.find_element(By.CSS_SELECTOR, ".fb-metrics").text
    assert "Scored against: index `factbot`" in metrics and "us-iraq-coalition-talks.ar (18 sentences)" in metrics
    _tab(page, "Chat")


def test_page_fetched_nothing_from_outside(page):
    hosts = set()
    for entry in page.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            url = msg["params"].get("request", {}).get("url") or msg["params"].get("url", "")
            if urlparse(url).scheme in ("http", "https", "ws", "wss"):
                hosts.add(urlparse(url).hostname)
    assert hosts == {"127.0.0.1"}
