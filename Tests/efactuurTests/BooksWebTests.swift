import EConnectWire
import EInvoiceTestSupport
import Foundation
import PlatformTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `efactuur books web` in Chromium, driven by selenium (`Tests/Interop/books_browser.py`), against
/// a real `efactuur serve`: the whole setup guide from an empty books file, the customer fetching
/// what was sent, a credit note, and the plain messages that stop a send. Screenshots of every
/// screen are kept in `.build/books-screenshots`.
@Suite("Books in a real browser", .timeLimit(.minutes(10)))
struct BooksWebTests {
    let books = BooksCommandTests()

    @Test("The setup guide in the browser: settings, debtor, invoice lines, Ja and VERZENDEN, Extra, Ophalen, a credit note")
    func guideInTheBrowser() async throws {
        let folder = try BrowserScript.screenshotFolder("books-screenshots")
        let setup = try await books.setUp()
        let (web, base) = try await Self.startBooksWeb(books: setup.books)
        defer {
            web.terminate()
            web.waitUntilExit()
        }
        let guide = try await BrowserScript.step(
            "books_browser.py", ["guide", base, setup.base, folder.path, setup.supplier.text, setup.government.text])
        let text = { (key: String) in guide[key] as? String ?? "" }
        #expect(text("connection").contains("Verbinding gelukt") && text("connection").contains(setup.supplier.companyID!))
        #expect(guide["secretShown"] as? Bool == false, "the Secret is never shown again")
        #expect(text("identifier") == "OIN 00000001003214321000")
        // The supplier does not use dossier numbers as KvK in this walk: a typed KvK gives the dummy.
        #expect(text("identifierWhileTyping").hasPrefix("KvK 99999998"), "\(text("identifierWhileTyping"))")
        #expect(text("emptyLine").contains("regel 2 kan niet worden opgeslagen: vul in een omschrijving"), "\(text("emptyLine"))")
        #expect(guide["lines"] as? [String] == ["Advies"])
        #expect(guide["quantities"] as? [String] == ["4"])
        #expect(text("wrongWord").contains("Niet verzonden"))
        #expect(text("afterWrongWord").contains("nog niet verzonden"))
        #expect(text("deliveryID").hasPrefix("XCNIN"))
        #expect(text("extra").contains("op het platform") && text("extra").contains("10 Afgeleverd"), "\(text("extra"))")
        #expect(text("received").contains("1 nieuwe"), "\(text("received"))")
        #expect(text("purchases").contains(text("invoice")) && text("purchases").contains("valid"))
        #expect(text("pdfStart") == "%PDF-")
        #expect(text("statuses").contains("30 Verwerkt"), "\(text("statuses"))")
        #expect(text("creditPage").contains("Creditnota") && text("creditPage").contains(text("invoice")))
        #expect(text("creditDeliveryID").hasPrefix("XCNIN"))
        #expect(text("purchasesAfterCredit").contains(text("credit")))
        #expect(text("noAddress").contains("debiteur 1001 heeft geen adres") && text("noAddress").contains("niets verzonden"), "\(text("noAddress"))")
        #expect(guide["noAddressAsks"] as? Int == 0)
        #expect(guide["sentList"] as? [String] == [text("invoice"), text("credit")], "\(guide["sentList"] ?? "")")
        #expect(guide["debtorSearch"] as? [String] == ["1000"])

        // The credit note reached the customer as a UBL CreditNote referring to the invoice.
        let listed = try books.cli.run(["books", "purchase", "list", "--admin", "Klant", "--json", "--books", setup.books])
        let purchases = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(purchases.count == 2)
        let creditXML = try String(contentsOfFile: try #require(purchases.last?["ublPath"] as? String), encoding: .utf8)
        #expect(creditXML.contains("<CreditNote") && creditXML.contains(text("invoice")))

        // Revoked keys: the next send ends in a plain message, and nothing is sent.
        _ = try books.platformCommands.json(["platform", "keys", "revoke", "--data-dir", setup.dir, setup.supplier.appKey])
        let revoked = try await BrowserScript.step("books_browser.py", ["revoked", base, setup.base, folder.path])
        #expect((revoked["message"] as? String)?.contains("was not sent") == true, "\(revoked)")
        #expect((revoked["deliveryID"] as? String)?.contains("nog niet verzonden") == true)
        for result in [guide, revoked] {
            #expect((result["accessibility"] as? [Any])?.isEmpty == true, "\(result["accessibility"] ?? "")")
        }
        let screenshots = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }
        #expect(screenshots.count >= 30)
    }

    @Test("books web answers only its own host, refuses forms without their token, and escapes what debtors hold")
    func hostTokenAndEscaping() async throws {
        let file = TestFolder.root.appendingPathComponent("books-web-\(UUID().uuidString).sqlite").path
        _ = try books.cli.run(["books", "admin", "create", "Eigen", "--books", file])
        _ = try books.cli.run(["books", "debtor", "add", "--admin", "Eigen", "--name", "<script>alert(1)</script>", "--books", file])
        let (web, base) = try await Self.startBooksWeb(books: file)
        defer {
            web.terminate()
            web.waitUntilExit()
        }
        // Another site that made the browser resolve its own name to 127.0.0.1 still sends its name.
        var rebound = URLRequest(url: URL(string: base + "/")!)
        rebound.setValue("evil.example", forHTTPHeaderField: "Host")
        let (_, refused) = try await URLSession.shared.data(for: rebound)
        #expect((refused as? HTTPURLResponse)?.statusCode == 421)
        // A form without the page's token changes nothing.
        var post = URLRequest(url: URL(string: base + "/administraties")!)
        post.httpMethod = "POST"
        post.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        post.httpBody = Data("name=Overgenomen&csrf=0000".utf8)
        let (_, forged) = try await URLSession.shared.data(for: post)
        #expect((forged as? HTTPURLResponse)?.statusCode == 403)
        let list = try books.cli.run(["books", "admin", "list", "--json", "--books", file])
        #expect(!list.stdout.contains("Overgenomen"))
        let (page, answer) = try await URLSession.shared.data(from: URL(string: base + "/a/1/debiteuren")!)
        let html = String(decoding: page, as: UTF8.self)
        #expect(!html.contains("<script>alert(1)") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let headers = (answer as? HTTPURLResponse)?.allHeaderFields as? [String: String] ?? [:]
        #expect(headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        #expect(headers["X-Frame-Options"] == "DENY")
        // Hostile paging and unknown administrations are plain answers, not crashes.
        for path in ["/a/1/facturen?pagina=99999999999999999999", "/a/1/debiteuren?pagina=-5&zoek=%25", "/a/999/facturen", "/a/x"] {
            let (_, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
            #expect([200, 404].contains((response as? HTTPURLResponse)?.statusCode ?? 0), "\(path)")
        }
    }

    /// `efactuur books web` on a free loopback port, once it answers.
    static func startBooksWeb(books: String) async throws -> (Process, String) {
        let port = TestPorts.take()
        let web = Process()
        web.executableURL = CommandLineTests.binary
        web.arguments = ["books", "web", "--books", books, "--port", String(port)]
        web.standardOutput = FileHandle.nullDevice
        web.standardError = FileHandle.nullDevice
        try web.run()
        try Watchdog.stopWithThisProcess(web)
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<200 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return (web, base)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        web.terminate()
        throw BrowserScript.Failure(description: "books web did not start on port \(port)")
    }
}
