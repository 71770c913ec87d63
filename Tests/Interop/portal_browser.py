#!/usr/bin/env python3
"""The efactuur portal in a real browser: headless Chromium driven by selenium.

Run by PortalBrowserTests with the portal's base URL and a folder for screenshots; prints one JSON
object for the test to check. Steps:

  setup BASE SHOTS            sign up a supplier and a customer account, each with an organisation;
                              the supplier makes a connection key and copies its Quick Connect text
  inbox BASE SHOTS EMAIL PW   the customer signs in with the keyboard, opens the invoice in the inbox,
                              reads its HTML view, findings and PDF (pypdf), sets it Gelezen
  revoke BASE SHOTS EMAIL PW  the supplier revokes its key

Every page visited is screenshotted and checked with axe-core when its script is installed
(axe-selenium-python ships it); serious and critical violations are reported.
"""
import json
import os
import re
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

PASSWORD = "een-goed-wachtwoord"


def browser():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=nl"]:
        options.add_argument(argument)
    # A Dutch reader's browser: the portal answers in the language the browser asks for.
    options.add_experimental_option("prefs", {"intl.accept_languages": "nl-NL,nl"})
    for binary in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]:
        if os.path.exists(binary):
            options.binary_location = binary
            break
    driver_path = next((p for p in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"] if os.path.exists(p)), None)
    return webdriver.Chrome(service=Service(driver_path) if driver_path else Service(), options=options)


class Visit:
    def __init__(self, base, shots, step):
        self.step = step
        self.base = base.rstrip("/")
        self.shots = shots
        self.driver = browser()
        self.driver.implicitly_wait(5)
        self.accessibility = []
        self.count = 0
        os.makedirs(shots, exist_ok=True)

    def close(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(self.base + path)
        self.check()

    def check(self):
        """Screenshot, and the axe-core check of the page now shown."""
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", self.driver.current_url.split("/portal", 1)[-1].lower()).strip("-") or "start"
        self.driver.save_screenshot(os.path.join(self.shots, f"{self.step}-{self.count:02d}-{name[:60]}.png"))
        script = axe_script()
        if script:
            self.driver.execute_script(script)
            result = self.driver.execute_async_script("var done = arguments[0]; axe.run(document).then(done, function (e) { done({error: String(e)}); });")
            for violation in result.get("violations", []):
                if violation.get("impact") in ("serious", "critical"):
                    self.accessibility.append({"page": self.driver.current_url, "id": violation["id"], "help": violation["help"]})

    def fill(self, **fields):
        for field, value in fields.items():
            element = self.driver.find_element(By.ID, field)
            element.clear()
            element.send_keys(value)

    def press(self, text):
        self.driver.find_element(By.XPATH, f"//main//button[normalize-space()='{text}'] | //header//button[starts-with(normalize-space(), '{text}')]").click()
        self.check()

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def sign_up(self, account, email):
        self.open("/portal/sign-up")
        self.fill(account=account, email=email, password=PASSWORD)
        Select(self.driver.find_element(By.ID, "subscription")).select_by_value("basic")
        self.press("Account aanmaken")
        assert self.driver.current_url.endswith("/portal/organisations"), self.driver.current_url

    def add_organisation(self, name, kvk):
        self.fill(name=name, country="NL", kvk=kvk)
        self.press("Organisatie toevoegen")
        party = self.driver.current_url.rsplit("/", 1)[-1]
        assert party.startswith("XCNL"), self.driver.current_url
        return party

    def sign_in_with_keyboard(self, email, password):
        """Only keys: Tab from the e-mail field to the password, Enter to send the form."""
        self.open("/portal/sign-in")
        field = self.driver.find_element(By.ID, "email")
        field.click()
        field.send_keys(email, Keys.TAB)
        self.driver.switch_to.active_element.send_keys(password, Keys.ENTER)
        self.check()
        assert self.driver.current_url.endswith("/portal/organisations"), self.driver.current_url


def axe_script():
    try:
        import axe_selenium_python
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(axe_selenium_python.__file__), "node_modules", "axe-core", "axe.min.js")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def setup(visit):
    supplier = "leverancier@browser.example"
    visit.sign_up("Leverancier Browser", supplier)
    party = visit.add_organisation("Leverancier Browser B.V.", "11223344")
    # Step 1 of the setup guide: create connection keys.
    visit.press("Nieuwe verbindingssleutel maken")
    assert "maar één keer getoond" in visit.text()
    quick_connect = visit.driver.find_element(By.ID, "quick-connect").get_attribute("value")
    visit.driver.find_element(By.CSS_SELECTOR, "button.copy").click()
    copied = visit.driver.find_element(By.ID, "copied").text
    visit.open(f"/portal/organisations/{party}")
    assert "actief" in visit.text() and quick_connect.split(";")[1].split(":")[1] not in visit.driver.page_source
    visit.press("Afmelden")

    customer = "klant@browser.example"
    visit.sign_up("Klant Browser", customer)
    receiver = visit.add_organisation("Klant Browser B.V.", "55667788")
    visit.press("Afmelden")
    return {"quickConnect": quick_connect, "copied": copied, "supplier": supplier, "party": party,
            "customer": customer, "receiver": receiver, "password": PASSWORD}


def inbox(visit, email, password):
    visit.sign_in_with_keyboard(email, password)
    visit.driver.find_element(By.LINK_TEXT, "Inbox").click()
    visit.check()
    links = visit.driver.find_elements(By.CSS_SELECTOR, "main table a")
    assert links, visit.text()
    links[0].click()
    visit.check()
    page = visit.text()
    totals = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
              for row in visit.driver.find_elements(By.CSS_SELECTOR, "table.totals tr")}
    lines = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
             for row in visit.driver.find_elements(By.XPATH, "//table[caption='Regels']/tbody/tr")]
    verdict = visit.driver.find_element(By.XPATH, "//main/p[contains(@class, 'valid')]").text
    # The PDF through the page's own link, with the browser's session, read back by pypdf.
    pdf_url = visit.driver.find_element(By.LINK_TEXT, "PDF downloaden").get_attribute("href")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in visit.driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(pdf_url, headers={"Cookie": cookie})) as response:
        pdf = response.read()
    import io
    import pypdf
    pdf_text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf), strict=True).pages)
    # The receiver sets a status, as the API can.
    Select(visit.driver.find_element(By.ID, "code")).select_by_value("20")
    visit.press("Status zetten")
    status = visit.driver.find_element(By.XPATH, "//dt[.='Status']/following-sibling::dd[1]").text
    return {"page": page, "totals": totals, "lines": lines, "verdict": verdict, "pdfText": pdf_text, "status": status}


def revoke(visit, email, password):
    visit.sign_in_with_keyboard(email, password)
    visit.driver.find_element(By.CSS_SELECTOR, "main table a").click()
    visit.check()
    visit.press("Intrekken")
    return {"page": visit.text()}


def main():
    step, base, shots = sys.argv[1], sys.argv[2], sys.argv[3]
    visit = Visit(base, shots, step)
    try:
        if step == "setup":
            result = setup(visit)
        elif step == "inbox":
            result = inbox(visit, sys.argv[4], sys.argv[5])
        elif step == "revoke":
            result = revoke(visit, sys.argv[4], sys.argv[5])
        else:
            raise SystemExit(f"unknown step {step}")
        result["accessibility"] = visit.accessibility
        result["axe"] = axe_script() is not None
        result["screenshots"] = visit.count
        print(json.dumps(result))
    except Exception:
        visit.driver.save_screenshot(os.path.join(shots, f"failed-{step}.png"))
        print(visit.driver.page_source[:4000], file=sys.stderr)
        raise
    finally:
        visit.close()


if __name__ == "__main__":
    main()
