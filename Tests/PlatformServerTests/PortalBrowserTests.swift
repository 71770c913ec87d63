import Bookkeeping
import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import Platform
import PlatformServer
import PlatformTestSupport
import Testing

/// The portal in Chromium, driven by selenium (`Tests/Interop/portal_browser.py`; `.ci/run`
/// installs chromium, chromedriver, selenium and axe-selenium-python): the setup guide's step 1 in
/// the browser, the books sending with the Quick Connect text copied there, the receiver reading
/// the invoice in the portal, and the key revoked. Screenshots of every page are kept in
/// `.build/portal-screenshots`.
@Suite("Portal in a real browser", .timeLimit(.minutes(10)))
struct PortalBrowserTests {
    @Test("Sign up, create a key, send from the books with its Quick Connect text, read it in the receiver's portal, revoke")
    func guideInTheBrowser() async throws {
        // Kept after the run, beside the build: .build/portal-screenshots (replaced each run).
        let folder = try BrowserScript.screenshotFolder("portal-screenshots")
        let platform = try await LivePlatform()
        try await platform.run { url in
            let base = url.absoluteString
            let setup = try await Self.step(["setup", base, folder.path])
            let quickConnect = try #require(setup["quickConnect"] as? String)
            // The operator checks the numbers of what was made in the portal (`platform org verify`).
            for party in [setup["party"], setup["receiver"]] { _ = try await platform.service.verifyOrganisation(partyID: party as! String) }
            #expect(setup["copied"] as? String == "Gekopieerd")

            // The books, connected by the text copied in the browser, send an invoice (VERZENDEN).
            let books = Books(store: try BooksStore(path: TestFolder.root.appendingPathComponent("books-\(UUID().uuidString).sqlite").path))
            var administration = try books.store.createAdministration(name: "Leverancier Browser")
            try Books.apply(quickConnect: quickConnect, to: &administration.settings)
            administration.settings.platformURL = base
            administration.settings.useDossierAsKvK = true
            administration.settings.sender.name = "Leverancier Browser B.V."
            administration.settings.sender.street = "Havenweg 12"
            administration.settings.sender.postcode = "3011 AB"
            administration.settings.sender.city = "Rotterdam"
            administration.settings.sender.kvk = "11223344"
            administration.settings.sender.vat = "NL123456782B01"
            administration.settings.sender.iban = "NL91ABNA0417164300"
            try books.store.saveSettings(administration.settings, administration: administration.id)
            administration = try books.store.administration(named: "Leverancier Browser")
            var debtor = Debtor(name: "Klant Browser B.V.")
            (debtor.kvk, debtor.street, debtor.postcode, debtor.city) = ("55667788", "Stationsplein 1", "3511 ED", "Utrecht")
            _ = try books.store.addDebtor(debtor, administration: administration.id)
            let invoice = try books.store.addInvoice(
                SalesInvoice(
                    debtorNumber: 1000, issueDate: LocalDate("2026-12-03")!,
                    lines: [
                        SalesInvoiceLine(description: "Advies", quantity: "12", unitPrice: "95"),
                        SalesInvoiceLine(description: "Reiskosten", quantity: "1", unitPrice: "40.50"),
                    ]),
                administration: administration.id)
            let preview = try books.prepareSend(invoice.number, administration: administration)
            let sent = try await books.send(preview, confirmation: "VERZENDEN", administration: administration)
            let deliveryID = try #require(sent.deliveryID)
            #expect(deliveryID.hasPrefix("XCNIN"))

            let inbox = try await Self.step(["inbox", base, folder.path, setup["customer"] as! String, setup["password"] as! String])
            let page = try #require(inbox["page"] as? String)
            #expect(page.contains("Factuur \(invoice.number)"))
            #expect(page.contains("Leverancier Browser B.V.") && page.contains("KvK 11223344"))
            #expect(page.contains("3 december 2026"))
            #expect(inbox["verdict"] as? String == "Geldig (regelset si-ubl)")
            let totals = try #require(inbox["totals"] as? [String: String])
            // 12 × 95 + 40,50 = 1.180,50; 21% VAT 247,91; 1.428,41 to pay.
            #expect(totals["Totaal excl. btw"] == "€ 1.180,50")
            #expect(totals["Te betalen"] == "€ 1.428,41")
            let lines = try #require(inbox["lines"] as? [[String]])
            #expect(lines.first?.contains("uur") == true || lines.first?.contains("stuk") == true, "\(lines)")
            // The PDF carries the same amounts as the HTML view.
            let pdfText = try #require(inbox["pdfText"] as? String)
            for amount in totals.values { #expect(pdfText.contains(String(amount.dropFirst(2))), "\(amount) in the PDF") }
            #expect(inbox["status"] as? String == "20 Gelezen" || (inbox["status"] as? String)?.hasPrefix("20 Gelezen") == true)
            // The sender's books see the status the receiver set in the portal.
            #expect(try await books.status(invoice.number, administration: administration).status.code == "20")

            let revoked = try await Self.step(["revoke", base, folder.path, setup["supplier"] as! String, setup["password"] as! String])
            #expect((revoked["page"] as? String)?.contains("ingetrokken") == true)
            // The books' next call with the revoked key is refused.
            await #expect(throws: (any Error).self) {
                _ = try await books.status(invoice.number, administration: administration)
            }
            for result in [setup, inbox, revoked] {
                #expect(result["axe"] as? Bool == true, "axe-core's script is installed (axe-selenium-python)")
                #expect((result["accessibility"] as? [Any])?.isEmpty == true, "\(result["accessibility"] ?? "")")
            }
        }
        let screenshots = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(screenshots.count >= 15)
    }

    static func step(_ arguments: [String]) async throws -> [String: Any] {
        try await BrowserScript.step("portal_browser.py", arguments)
    }
}
