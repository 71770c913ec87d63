#!/usr/bin/env python3
"""The books' screens (`efactuur books web`) in a real browser: headless Chromium driven by selenium.

Run by BooksBrowserTests with the books' URL, the platform's URL, a folder for screenshots and
files, and the two Quick Connect texts; prints one JSON object for the test to check. Steps:

  guide BOOKS PLATFORM SHOTS SUPPLIER_QC CUSTOMER_QC
      the setup guide from an empty books file: the supplier's administration with its settings
      pasted from the Quick Connect text and "Verbinding testen", a government debtor with an OIN,
      an invoice whose lines are added, changed and removed (and an empty one refused), Uitvoer ›
      eFactuur › eVerbinding bericht, Ja, a wrong word, then VERZENDEN and the Delivery ID under
      Extra; the customer's administration fetches it (Ophalen); the supplier sees 30 Verwerkt;
      a credit note for it goes the same way; a debtor without an address stops a send in words
  revoked BOOKS PLATFORM SHOTS
      after the supplier's key was revoked on the platform: a send ends in a plain message

Every screen is screenshotted and checked with axe-core when its script is installed.
"""
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from portal_browser import Visit  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


class Books(Visit):
    def link(self, text):
        self.driver.find_element(By.LINK_TEXT, text).click()
        self.check()

    def admin_path(self):
        parts = self.driver.current_url.split("/a/", 1)[1].split("/")
        return "/a/" + parts[0]

    def send(self, word):
        """Uitvoer › eFactuur › eVerbinding bericht, Ja, then `word` typed."""
        self.link("Uitvoer › eFactuur › eVerbinding bericht")
        self.press("Ja")
        self.fill(word=word)
        self.press("Verzenden")

    def receive(self, admin):
        self.open(admin + "/inkoop")
        self.press("Ophalen")
        outcome = self.text()
        self.open(admin + "/inkoop")
        return outcome


def new_administration(visit, name, quick_connect, platform, **settings):
    visit.open("/")
    visit.fill(name=name)
    visit.press("Aanmaken")
    assert visit.driver.current_url.endswith("/instellingen"), visit.driver.current_url
    visit.fill(quickConnect=quick_connect, platformURL=platform, **settings)
    visit.press("Verbinding testen")
    return visit.admin_path(), visit.text()


def guide(visit, platform, shots, supplier_qc, customer_qc):
    result = {}
    supplier, tested = new_administration(
        visit, "Leverancier", supplier_qc, platform, salesFolder=os.path.join(shots, "verkoop"),
        senderName="Bouwbedrijf De Vries B.V.", senderStreet="Havenweg 12", senderPostcode="3011 AB",
        senderCity="Rotterdam", senderKvK="12345678", senderVAT="NL123456782B01", senderIBAN="NL91 ABNA 0417 1643 00")
    result["connection"] = tested
    result["secretShown"] = supplier_qc.split("SECRET_KEY:")[1].split(";")[0] in visit.driver.page_source

    # The debtor card: a government body by its OIN; the identifier its invoices carry is shown.
    visit.open(supplier + "/debiteuren")
    visit.fill(name="Gemeente Zuid", street="Markt 1", postcode="1234 AB", city="Zuid", email="facturen@zuid.example",
               oin="00000001003214321000")
    visit.press("Debiteur toevoegen")
    result["identifier"] = visit.driver.find_element(By.ID, "identifier").text
    # On the card, the identifier follows what is typed: the OIN cleared, a KvK number typed.
    visit.fill(oin="", kvk="87654321")
    visit.driver.find_element(By.ID, "kvk").send_keys(" ")
    WebDriverWait(visit.driver, 5).until(lambda driver: driver.find_element(By.ID, "identifier").text.startswith("KvK"))
    result["identifierWhileTyping"] = visit.driver.find_element(By.ID, "identifier").text
    visit.driver.refresh()

    # The invoice: a line added, changed, another added and removed, an empty one refused.
    visit.open(supplier + "/facturen")
    Select(visit.driver.find_element(By.ID, "debtor")).select_by_value("1000")
    visit.press("Factuur aanmaken")
    invoice_path = visit.driver.current_url.split("#")[0]
    result["invoice"] = invoice_path.rsplit("/", 1)[1]
    visit.fill(description="Advies", quantity="3", price="95,50")
    visit.press("Regel toevoegen")
    visit.fill(**{"quantity-1": "4"})
    visit.press("Regel 1 wijzigen")
    visit.fill(description="Verkeerd", quantity="1", price="1")
    visit.press("Regel toevoegen")
    visit.press("Regel 2 verwijderen")
    visit.fill(description="", quantity="1", price="5")
    visit.press("Regel toevoegen")
    result["emptyLine"] = visit.driver.find_element(By.CSS_SELECTOR, "p.error").text
    visit.open(invoice_path.replace(visit.base, ""))
    result["lines"] = [row.get_attribute("value") for row in visit.driver.find_elements(By.CSS_SELECTOR, "form.line input[name=description]")]
    result["quantities"] = [row.get_attribute("value") for row in visit.driver.find_elements(By.CSS_SELECTOR, "form.line input[name=quantity]")]

    # Uitvoer › eFactuur › eVerbinding bericht: Ja, a wrong word (nothing sent), then VERZENDEN.
    visit.send("VERSTUREN")
    result["wrongWord"] = visit.text()
    visit.open(invoice_path.replace(visit.base, ""))
    result["afterWrongWord"] = visit.driver.find_element(By.ID, "delivery-id").text
    visit.send("VERZENDEN")
    result["deliveryID"] = visit.driver.find_element(By.ID, "delivery-id").text
    result["extra"] = visit.driver.find_element(By.ID, "extra").text

    # The customer's administration fetches it into its purchase folder.
    customer, _ = new_administration(visit, "Klant", customer_qc, platform, purchaseFolder=os.path.join(shots, "inkoop"))
    result["received"] = visit.receive(customer)
    result["purchases"] = visit.text()
    pdf_link = visit.driver.find_element(By.PARTIAL_LINK_TEXT, "PDF").get_attribute("href")
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in visit.driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(pdf_link, headers={"Cookie": cookies})) as answer:
        result["pdfStart"] = answer.read(5).decode("latin-1")

    # The supplier sees 30 Verwerkt under Extra; then credits the invoice, sent the same way.
    visit.open(invoice_path.replace(visit.base, ""))
    visit.press("Status bijwerken")
    result["statuses"] = visit.driver.find_element(By.ID, "statuses").text
    visit.press("Crediteren")
    credit_path = visit.driver.current_url.split("#")[0]
    result["credit"] = credit_path.rsplit("/", 1)[1]
    result["creditPage"] = visit.text()
    visit.send("VERZENDEN")
    result["creditDeliveryID"] = visit.driver.find_element(By.ID, "delivery-id").text
    visit.receive(customer)
    result["purchasesAfterCredit"] = visit.text()

    # A debtor without an address: the send stops before any question, in words.
    visit.open(supplier + "/debiteuren")
    visit.fill(name="Zonder Adres B.V.", kvk="87654321")
    visit.press("Debiteur toevoegen")
    visit.open(supplier + "/facturen")
    Select(visit.driver.find_element(By.ID, "debtor")).select_by_value("1001")
    visit.press("Factuur aanmaken")
    visit.fill(description="Levering", quantity="1", price="10")
    visit.press("Regel toevoegen")
    visit.link("Uitvoer › eFactuur › eVerbinding bericht")
    result["noAddress"] = visit.text()
    result["noAddressAsks"] = len(visit.driver.find_elements(By.XPATH, "//button[normalize-space()='Ja']"))

    # The list, searched and sorted: only the sent ones, the largest amount first.
    visit.open(supplier + "/facturen")
    Select(visit.driver.find_element(By.ID, "f-stand")).select_by_value("sent")
    Select(visit.driver.find_element(By.ID, "f-volgorde")).select_by_value("amount")
    visit.driver.find_element(By.ID, "f-aflopend").click()
    visit.press("Tonen")
    result["sentList"] = [cell.text for cell in visit.driver.find_elements(By.CSS_SELECTOR, "table tbody tr td:first-child")]
    visit.open(supplier + "/debiteuren?zoek=zuid")
    result["debtorSearch"] = [cell.text for cell in visit.driver.find_elements(By.CSS_SELECTOR, "table tbody tr td:first-child")]
    return result


def revoked(visit):
    visit.open("/")
    visit.link("Leverancier")
    admin = visit.admin_path()
    visit.open(admin + "/facturen")
    Select(visit.driver.find_element(By.ID, "debtor")).select_by_value("1000")
    visit.press("Factuur aanmaken")
    path = visit.driver.current_url.split("#")[0].replace(visit.base, "")
    visit.fill(description="Na intrekken", quantity="1", price="10")
    visit.press("Regel toevoegen")
    visit.send("VERZENDEN")
    message = visit.text()
    visit.open(path)
    return {"message": message, "deliveryID": visit.driver.find_element(By.ID, "delivery-id").text}


def main():
    step, base, platform, shots = sys.argv[1:5]
    visit = Books(base, shots, "books-" + step)
    try:
        if step == "guide":
            result = guide(visit, platform, shots, sys.argv[5], sys.argv[6])
        else:
            result = revoked(visit)
    finally:
        visit.close()
    result["accessibility"] = visit.accessibility
    print(json.dumps(result))


if __name__ == "__main__":
    main()
