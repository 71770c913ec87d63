import EConnectClient
import EConnectWire
import EInvoice
import Foundation
import HardenedXML
import PlatformTestSupport
import Testing

/// The bookkeeping side as a bookkeeper uses it: the real `efactuur books …` commands against a
/// real `efactuur serve` process over loopback HTTP, following the setup guide.
@Suite(.timeLimit(.minutes(10)))
struct BooksCommandTests {
    let cli = CommandLineTests()
    let platformCommands = PlatformCommandTests()

    /// A platform with three organisations and their keys — the supplier (KvK 12345678), a
    /// government body (OIN) and a company (KvK 87654321) — running as `efactuur serve`, and the
    /// books file the administrations go in.
    final class Setup: @unchecked Sendable {
        let dir: String
        var server: Process
        var base: String
        let port: Int
        let supplier: QuickConnect
        let government: QuickConnect
        let company: QuickConnect
        var books: String { dir + "/books.sqlite" }

        init(dir: String, server: Process, base: String, port: Int, supplier: QuickConnect, government: QuickConnect, company: QuickConnect) {
            (self.dir, self.server, self.base, self.port) = (dir, server, base, port)
            (self.supplier, self.government, self.company) = (supplier, government, company)
        }

        deinit {
            if server.isRunning {
                server.terminate()
                server.waitUntilExit()
            }
        }
    }

    func setUp() async throws -> Setup {
        let dir = platformCommands.dataDir()
        func keys(_ name: String, _ registry: [String]) throws -> QuickConnect {
            let account = try platformCommands.json([
                "platform", "account", "create", "--data-dir", dir, "--name", name, "--email", "admin@\(name).example",
            ])
            let org = try platformCommands.json(
                ["platform", "org", "create", "--data-dir", dir, "--account", account["account"]!, "--name", "\(name) B.V."] + registry)
            let keys = try platformCommands.json(
                ["platform", "keys", "create", "--data-dir", dir, "--org", org["bedrijfsId"]!, "--email", "admin@\(name).example"])
            return try QuickConnect(parsing: keys["quickConnect"]!)
        }
        let supplier = try keys("devries", ["--kvk", "12345678"])
        let government = try keys("ministerie", ["--oin", "00000001003214321000"])
        let company = try keys("klant", ["--kvk", "87654321"])
        let port = TestPorts.take()
        let (server, base) = try await platformCommands.startServer(dataDir: dir, port: port)
        return Setup(dir: dir, server: server, base: base, port: port, supplier: supplier, government: government, company: company)
    }

    /// Runs `efactuur books …` with `--books`; with `--json` the answer is parsed.
    @discardableResult
    func books(_ setup: Setup, _ arguments: [String], stdin: String? = nil, expect status: Int32 = 0) throws -> CommandLineTests.Run {
        let result = try cli.run(["books"] + arguments + ["--books", setup.books], stdin: stdin.map { Array($0.utf8) })
        #expect(result.status == status, "books \(arguments): \(result.stdout) \(result.stderr)")
        return result
    }

    @discardableResult
    func json(_ setup: Setup, _ arguments: [String], expect status: Int32 = 0) throws -> [String: Any] {
        let result = try books(setup, arguments + ["--json"], expect: status)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    /// Administration `name` connected with `keys` through its Quick Connect text.
    func connect(_ setup: Setup, _ name: String, _ keys: QuickConnect, extra: [String] = []) throws {
        try books(setup, ["admin", "create", name])
        try books(
            setup,
            [
                "settings", "set", "--admin", name, "--quick-connect", keys.text, "--platform-url", setup.base,
                "--si-version", "2.0", "--purchase-folder", "\(setup.dir)/\(name)/inkoop", "--sales-folder", "\(setup.dir)/\(name)/verkoop",
                "--from-date", "2020-01-01",
            ] + extra)
    }

    /// The supplier's administration with its sender details, using debtor dossier numbers as KvK.
    func connectSupplier(_ setup: Setup, dossierAsKvK: Bool = true) throws {
        try connect(
            setup, "DeVries", setup.supplier,
            extra: [
                "--sender-name", "Bouwbedrijf De Vries B.V.", "--sender-street", "Havenweg 12", "--sender-postcode", "3011 AB",
                "--sender-city", "Rotterdam", "--sender-country", "NL", "--sender-kvk", "12345678",
                "--sender-vat", "NL123456782B01", "--sender-iban", "NL91 ABNA 0417 1643 00",
                dossierAsKvK ? "--use-dossier-as-kvk" : "--no-use-dossier-as-kvk",
            ])
    }

    func debtor(_ setup: Setup, _ arguments: [String]) throws -> (number: String, identifier: String) {
        let added = try json(
            setup, ["debtor", "add", "--admin", "DeVries", "--street", "Stationsplein 1", "--postcode", "3511 ED", "--city", "Utrecht"] + arguments)
        return (added["debtor"] as! String, added["identifier"] as! String)
    }

    /// A draft invoice for `debtor` with the given lines (description, quantity, price).
    func invoice(
        _ setup: Setup, debtor: String, lines: [(String, String, String)] = [("Arbeid", "8", "62.50"), ("Materiaal", "1", "120.00")]
    ) throws -> String {
        let created = try json(setup, ["invoice", "create", "--admin", "DeVries", "--debtor", debtor, "--reference", "PO-1"])
        let number = created["invoice"] as! String
        for (description, quantity, price) in lines {
            try books(
                setup,
                [
                    "invoice", "line", "add", "--admin", "DeVries", "--invoice", number, "--description", description,
                    "--quantity", quantity, "--price", price, "--vat", "21",
                ])
        }
        return number
    }

    func files(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test("The setup guide from connection keys to Delivery ID to purchase folder, both files valid SI-UBL 2.0")
    func setupGuide() async throws {
        let setup = try await setUp()
        try connectSupplier(setup)
        let shown = try books(setup, ["settings", "show", "--admin", "DeVries"]).stdout
        let lines = shown.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("Gebruik API versie 3 ") && $0.hasSuffix(" on") })
        #expect(lines.contains { $0.hasPrefix("SimplerInvoicing version ") && $0.hasSuffix(" 2.0") })
        #expect(shown.contains(setup.supplier.appKey))
        #expect(!shown.contains(setup.supplier.secret), "the Secret is never printed back in full")
        #expect(shown.contains("XCNL10001"))

        let (number, identifier) = try debtor(setup, ["--name", "Klant B.V.", "--kvk", "87654321", "--email", "facturen@klant.example"])
        #expect(identifier == "0106:87654321")
        let invoiceNumber = try invoice(setup, debtor: number)
        let sent = try json(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "VERZENDEN"])
        let deliveryID = try #require(sent["deliveryId"] as? String)
        #expect(deliveryID.hasPrefix("XCNIN"))
        let show = try books(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber]).stdout
        #expect(show.contains("Extra\n  Delivery ID  \(deliveryID)"))
        #expect(files(in: "\(setup.dir)/DeVries/verkoop") == ["\(invoiceNumber).xml"])

        try connect(setup, "Klant", setup.company)
        let received = try json(setup, ["receive", "--admin", "Klant"])
        let purchases = try #require(received["received"] as? [[String: Any]])
        #expect(purchases.count == 1)
        #expect(purchases.first?["externalID"] as? String == deliveryID)
        #expect(purchases.first?["verdict"] as? String == "valid")
        #expect(purchases.first?["payableAmount"] as? String == "750.20")
        let purchaseFiles = files(in: "\(setup.dir)/Klant/inkoop")
        #expect(purchaseFiles.count == 1)
        #expect(purchaseFiles.first?.contains("Bouwbedrijf De Vries B.V. \(invoiceNumber)") == true)

        for path in ["\(setup.dir)/DeVries/verkoop/\(invoiceNumber).xml", "\(setup.dir)/Klant/inkoop/\(purchaseFiles[0])"] {
            let validated = try cli.run(["validate", "--ruleset", "si-ubl", path])
            #expect(validated.status == 0, "\(path): \(validated.stdout)")
        }
        // One SHA-256 end to end: the sales archive holds the bytes sent, the purchase folder the
        // bytes received, and both sides show the same digest.
        let salesFile = try Data(contentsOf: URL(fileURLWithPath: "\(setup.dir)/DeVries/verkoop/\(invoiceNumber).xml"))
        let purchaseFile = try Data(contentsOf: URL(fileURLWithPath: "\(setup.dir)/Klant/inkoop/\(purchaseFiles[0])"))
        #expect(salesFile == purchaseFile)
        let digest = try #require(sent["sha256"] as? String)
        #expect(digest.count == 64)
        #expect(purchases.first?["sha256"] as? String == digest)
        #expect(try books(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber]).stdout.contains("SHA-256      \(digest)"))
        let onPlatform = try platformCommands.json(["platform", "document", "show", "--data-dir", setup.dir, deliveryID])
        #expect(onPlatform["sha256"] == digest)
        #expect(onPlatform["bytes"] == String(salesFile.count))
        let status = try json(setup, ["invoice", "status", "--admin", "DeVries", invoiceNumber])
        #expect(status["code"] as? String == "30")
        #expect(status["name"] as? String == "Verwerkt")
        // Fetching again brings nothing twice.
        let again = try json(setup, ["receive", "--admin", "Klant"])
        #expect((again["received"] as? [Any])?.isEmpty == true)
        #expect(again["alreadyReceived"] as? Int == 1)
    }

    @Test("Identifier rules: OIN for government, KvK with the dossier setting, the dummy 99999998 otherwise")
    func identifierRules() async throws {
        let setup = try await setUp()
        try connectSupplier(setup)
        let government = try debtor(setup, ["--name", "Ministerie", "--oin", "00000001003214321000", "--kvk", "11112222"])
        #expect(government.identifier == "0190:00000001003214321000")
        let company = try debtor(setup, ["--name", "Klant B.V.", "--kvk", "87654321"])
        #expect(company.identifier == "0106:87654321")
        let withoutKvK = try debtor(setup, ["--name", "Particulier", "--email", "jan@example.nl"])
        #expect(withoutKvK.identifier == "0106:99999998")

        // Sent to the government body on the platform: its OIN in EndpointID, PartyLegalEntity and To/ReferenceId.
        let toGovernment = try invoice(setup, debtor: government.number)
        let output = try books(setup, ["invoice", "send", "--admin", "DeVries", toGovernment, "--confirm", "VERZENDEN"]).stdout
        #expect(output.contains("(To/ReferenceId 0190:00000001003214321000)"))
        let ubl = try String(contentsOfFile: "\(setup.dir)/DeVries/verkoop/\(toGovernment).xml", encoding: .utf8)
        #expect(ubl.contains("<cbc:EndpointID schemeID=\"0190\">00000001003214321000</cbc:EndpointID>"))
        #expect(ubl.contains("<cbc:CompanyID schemeID=\"0190\">00000001003214321000</cbc:CompanyID>"))

        // Without the dossier setting a KvK number is not used: the dummy goes out instead.
        try books(setup, ["settings", "set", "--admin", "DeVries", "--no-use-dossier-as-kvk"])
        let listed = try books(setup, ["debtor", "list", "--admin", "DeVries"]).stdout
        #expect(listed.contains("Klant B.V.  —  0106:99999998"))
        // The dummy does not reach an inbox; the platform has no SMTP relay, so it refuses and the invoice stays unsent.
        let toPrivate = try invoice(setup, debtor: withoutKvK.number)
        let refused = try books(setup, ["invoice", "send", "--admin", "DeVries", toPrivate, "--confirm", "VERZENDEN"], expect: 1)
        #expect(refused.stdout.contains("(To/ReferenceId 0106:99999998)"))
        #expect(refused.stdout.contains("jan@example.nl"))
        #expect(refused.stderr.contains("[ERRSND4000001]"))
        let show = try json(setup, ["invoice", "show", "--admin", "DeVries", toPrivate])
        let invoice = try #require(show["invoice"] as? [String: Any])
        #expect(invoice["state"] as? String == "draft")
        #expect((invoice["lastError"] as? String)?.contains("ERRSND4000001") == true)
        #expect(show["identifier"] as? String == "0106:99999998")
    }

    @Test("An empty invoice line cannot be saved, and the message names the line and what it lacks; lines change and go")
    func emptyLine() async throws {
        let setup = try await setUp()
        try connectSupplier(setup)
        let (number, _) = try debtor(setup, ["--name", "Klant B.V.", "--kvk", "87654321"])
        let invoiceNumber = try invoice(setup, debtor: number, lines: [("Arbeid", "8", "62.50")])
        for (description, quantity, price, lacks) in [("", "1", "10.00", "a description"), ("Leeg", "0", "0", "a quantity or price")] {
            let refused = try books(
                setup,
                [
                    "invoice", "line", "add", "--admin", "DeVries", "--invoice", invoiceNumber, "--description", description,
                    "--quantity", quantity, "--price", price,
                ], expect: 1)
            #expect(refused.stderr.contains("line 2 cannot be saved: it needs \(lacks)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("[books.empty-line]"))
        }
        // A line changed, then one added and removed; the invoice keeps what is left.
        try books(
            setup,
            [
                "invoice", "line", "change", "--admin", "DeVries", "--invoice", invoiceNumber, "--line", "1", "--description", "Advies",
                "--quantity", "2", "--price", "100",
            ])
        try books(
            setup,
            ["invoice", "line", "add", "--admin", "DeVries", "--invoice", invoiceNumber, "--description", "Reis", "--quantity", "1", "--price", "30"])
        try books(setup, ["invoice", "line", "remove", "--admin", "DeVries", "--invoice", invoiceNumber, "--line", "2"])
        let shown = try json(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber])
        let lines = try #require((shown["invoice"] as? [String: Any])?["lines"] as? [[String: Any]])
        #expect(lines.count == 1 && lines[0]["description"] as? String == "Advies")
        let blank = try books(
            setup,
            [
                "invoice", "line", "change", "--admin", "DeVries", "--invoice", invoiceNumber, "--line", "1", "--description", " ",
                "--quantity", "2", "--price", "100",
            ], expect: 1)
        #expect(blank.stderr.contains("line 1 cannot be saved: it needs a description"))
        // A draft can be deleted; nothing was sent.
        try books(setup, ["invoice", "delete", "--admin", "DeVries", invoiceNumber])
        let administration = try json(setup, ["admin", "show", "DeVries"])
        #expect(administration["salesInvoices"] as? String == "0" && administration["debtors"] as? String == "1")
        try books(setup, ["debtor", "update", "--admin", "DeVries", number, "--city", "Utrecht"])
        let card = try json(setup, ["debtor", "show", "--admin", "DeVries", number])
        #expect(card["kvk"] as? String == "87654321" && card["city"] as? String == "Utrecht")
        try connect(setup, "Klant", setup.company)
        let received = try json(setup, ["receive", "--admin", "Klant"])
        #expect((received["received"] as? [Any])?.isEmpty == true, "nothing reached the platform")
    }

    @Test("Only Ja and then VERZENDEN sends; any other answer aborts")
    func confirmation() async throws {
        let setup = try await setUp()
        try connectSupplier(setup)
        let (number, _) = try debtor(setup, ["--name", "Klant B.V.", "--kvk", "87654321", "--email", "facturen@klant.example"])
        let invoiceNumber = try invoice(setup, debtor: number)
        let wrong = try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "verzenden"], expect: 1)
        #expect(wrong.stderr.contains("[books.not-confirmed]"))
        let no = try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber], stdin: "Nee\n", expect: 1)
        #expect(no.stdout.contains("facturen@klant.example"), "the confirmation shows where it goes")
        #expect(no.stdout.contains("(Ja/Nee)"))
        try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber], stdin: "Ja\nVERZEND\n", expect: 1)
        try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber], stdin: "", expect: 1)
        #expect(try books(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber]).stdout.contains("Delivery ID  — (not sent)"))
        let sent = try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber], stdin: "ja\nVERZENDEN\n")
        #expect(sent.stdout.contains("Type VERZENDEN to send: Sent. Delivery ID: XCNIN"))
        // Sent once: a second send needs --again, and then keeps the same Delivery ID (a revision).
        let twice = try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "VERZENDEN"], expect: 1)
        #expect(twice.stderr.contains("[books.already-sent]"))
        let first = try json(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber])["invoice"] as! [String: Any]
        let again = try json(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "VERZENDEN", "--again"])
        #expect(again["deliveryId"] as? String == first["deliveryID"] as? String)
    }

    @Test("A revoked key: the send fails with the platform's code and the invoice stays unsent")
    func revokedKey() async throws {
        let setup = try await setUp()
        try connectSupplier(setup)
        let (number, _) = try debtor(setup, ["--name", "Klant B.V.", "--kvk", "87654321"])
        let invoiceNumber = try invoice(setup, debtor: number)
        _ = try platformCommands.json(["platform", "keys", "revoke", "--data-dir", setup.dir, setup.supplier.appKey])
        let refused = try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "VERZENDEN"], expect: 1)
        #expect(refused.stderr.contains("[ERRIAU6000007]"))
        let show = try books(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber]).stdout
        #expect(show.contains("(draft)"))
        #expect(show.contains("Last error"))
    }

    @Test("The platform down during a send: the invoice stays unsent; sent again once it is back, it arrives once")
    func platformDownDuringSend() async throws {
        let setup = try await setUp()
        try connectSupplier(setup)
        let (number, _) = try debtor(setup, ["--name", "Klant B.V.", "--kvk", "87654321"])
        let invoiceNumber = try invoice(setup, debtor: number)
        kill(setup.server.processIdentifier, SIGKILL)
        setup.server.waitUntilExit()
        let down = try books(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "VERZENDEN"], expect: 1)
        #expect(down.stderr.contains("[client.unreachable]"))
        #expect(try books(setup, ["invoice", "show", "--admin", "DeVries", invoiceNumber]).stdout.contains("(draft)"))

        (setup.server, setup.base) = try await platformCommands.startServer(dataDir: setup.dir, port: setup.port)
        let sent = try json(setup, ["invoice", "send", "--admin", "DeVries", invoiceNumber, "--confirm", "VERZENDEN"])
        #expect((sent["deliveryId"] as? String)?.hasPrefix("XCNIN") == true)
        try connect(setup, "Klant", setup.company)
        let received = try json(setup, ["receive", "--admin", "Klant"])
        #expect((received["received"] as? [Any])?.count == 1)
    }

    /// Sends `count` invoices from the supplier to the government body, eight at a time, over HTTP.
    func seedGovernmentInbox(_ setup: Setup, count: Int) async throws {
        let client = EConnectClient(
            configuration: .init(url: URL(string: setup.base)!, appKey: setup.supplier.appKey, secret: setup.supplier.secret))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for number in stride(from: worker, to: count, by: 8) {
                        let payload = try SendDocumentRequest.payload(UBLWriter().write(ExampleInvoices.siUBL(number: "F-\(number)", lineCount: 2)))
                        _ = try await client.send(
                            SendDocumentRequest(
                                via: setup.supplier.companyID!, toReference: "0190:00000001003214321000", payload: payload,
                                templateID: TemplateID.factuur))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("Receiving 1,000 invoices in one run: each once, in the folder and the books, each marked 30 Verwerkt")
    func thousandInOneRun() async throws {
        let setup = try await setUp()
        try await seedGovernmentInbox(setup, count: 1000)
        try connect(setup, "Ministerie", setup.government)
        let run = try books(setup, ["receive", "--admin", "Ministerie", "--json"])
        let received = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((received["received"] as? [Any])?.count == 1000)
        #expect(received["statusesSet"] as? Int == 1000)
        #expect(run.stderr.contains("checked 1000 document(s)"), "progress is shown")
        #expect(files(in: "\(setup.dir)/Ministerie/inkoop").count == 1000)

        let customer = EConnectClient(
            configuration: .init(url: URL(string: setup.base)!, appKey: setup.government.appKey, secret: setup.government.secret))
        var search = DocumentSearch()
        search.statusCode = "30"
        var processed = 0
        for try await page in customer.allDocuments(in: .inbox, search: search, pageSize: 500) { processed += page.count }
        #expect(processed == 1000)
    }

    @Test("An embedded PDF is written beside the UBL; outbox copies go to the sales folder on request")
    func pdfAndSalesCopies() async throws {
        let setup = try await setUp()
        var invoice = ExampleInvoices.siUBL(number: "F-PDF", lineCount: 2)
        let pdf = Array("%PDF-1.4\n% efactuur test\n%%EOF\n".utf8)
        invoice.supportingDocuments.append(
            SupportingDocument(
                id: Identifier("F-PDF"), description: "Factuur als PDF",
                attachment: BinaryObject(content: pdf, mimeCode: "application/pdf", filename: "F-PDF.pdf")))
        let client = EConnectClient(
            configuration: .init(url: URL(string: setup.base)!, appKey: setup.supplier.appKey, secret: setup.supplier.secret))
        let externalID = try await client.send(
            SendDocumentRequest(
                via: setup.supplier.companyID!, toReference: "0190:00000001003214321000",
                payload: try SendDocumentRequest.payload(UBLWriter().write(invoice)), templateID: TemplateID.factuur))

        try connect(setup, "Ministerie", setup.government)
        let received = try json(setup, ["receive", "--admin", "Ministerie"])
        let purchase = try #require((received["received"] as? [[String: Any]])?.first)
        let pdfPath = try #require(purchase["pdfPath"] as? String)
        #expect(pdfPath.hasSuffix("Voorbeeld Leverancier B.V. F-PDF.pdf"))
        #expect(FileManager.default.contents(atPath: pdfPath) == Data(pdf))

        try connectSupplier(setup)
        let copies = try json(setup, ["receive", "--admin", "DeVries", "--include-sales"])
        #expect(copies["salesCopies"] as? Int == 1)
        #expect(files(in: "\(setup.dir)/DeVries/verkoop") == ["\(externalID).xml"])
    }

    @Test("The platform down during a receive: after a retry every document is there once")
    func platformDownDuringReceive() async throws {
        let setup = try await setUp()
        try await seedGovernmentInbox(setup, count: 300)
        try connect(setup, "Ministerie", setup.government)
        let folder = "\(setup.dir)/Ministerie/inkoop"

        let receiving = Process()
        receiving.executableURL = CommandLineTests.binary
        receiving.arguments = ["books", "receive", "--admin", "Ministerie", "--books", setup.books]
        receiving.standardOutput = FileHandle.nullDevice
        receiving.standardError = FileHandle.nullDevice
        try receiving.run()
        while files(in: folder).count < 30 && receiving.isRunning { try await Task.sleep(for: .milliseconds(5)) }
        kill(setup.server.processIdentifier, SIGKILL)
        setup.server.waitUntilExit()
        receiving.waitUntilExit()
        #expect(receiving.terminationStatus == 1, "the interrupted run reports the failure")
        let firstRun = files(in: folder).count
        #expect(firstRun >= 30 && firstRun < 300)

        (setup.server, setup.base) = try await platformCommands.startServer(dataDir: setup.dir, port: setup.port)
        try json(setup, ["receive", "--admin", "Ministerie"])
        #expect(files(in: folder).count == 300, "every document once, none twice")
        let listed = try books(setup, ["purchase", "list", "--admin", "Ministerie", "--json"])
        let records = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(records.count == 300)
        #expect(Set(records.compactMap { $0["externalID"] as? String }).count == 300)
        #expect(records.allSatisfy { $0["platformStatusSet"] as? Bool == true })
    }
}
