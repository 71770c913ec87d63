import Bookkeeping
import EInvoice
import EInvoiceTestSupport
import Foundation
import GRDB
import PlatformTestSupport
import Testing

/// The books on a real SQLite file, without a platform: settings, debtors and their identifiers,
/// invoices, and everything checked before a send.
@Suite("Bookkeeping")
struct BookkeepingTests {
    let path = TestFolder.root.appendingPathComponent("efactuur-books-\(UUID().uuidString).sqlite").path

    func connected(_ books: Books, dossierAsKvK: Bool = true) throws -> Administration {
        var administration = try books.store.createAdministration(name: "De Vries")
        try Books.apply(
            quickConnect: "APP_KEY:k1;SECRET_KEY:0123456789abcdef;EMAIL_ID:a@devries.example;COMPANY_ID:XCNL10001;",
            to: &administration.settings)
        administration.settings.platformURL = "http://127.0.0.1:9"
        administration.settings.useDossierAsKvK = dossierAsKvK
        administration.settings.sender.name = "Bouwbedrijf De Vries B.V."
        administration.settings.sender.street = "Havenweg 12"
        administration.settings.sender.postcode = "3011 AB"
        administration.settings.sender.city = "Rotterdam"
        administration.settings.sender.kvk = "12345678"
        administration.settings.sender.vat = "NL123456782B01"
        administration.settings.sender.iban = "NL91ABNA0417164300"
        try books.store.saveSettings(administration.settings, administration: administration.id)
        return try books.store.administration(named: "De Vries")
    }

    func debtor(oin: String? = nil, kvk: String? = nil) -> Debtor {
        var debtor = Debtor(name: "Klant")
        (debtor.oin, debtor.kvk, debtor.street, debtor.postcode, debtor.city) = (oin, kvk, "Stationsplein 1", "3511 ED", "Utrecht")
        return debtor
    }

    @Test(
        "Which identifier a debtor's invoices carry",
        arguments: [
            ("00000001003214321000", "87654321", true, "0190:00000001003214321000"),
            ("00000001003214321000", nil, false, "0190:00000001003214321000"),
            (nil, "87654321", true, "0106:87654321"),
            (nil, "87654321", false, "0106:99999998"),
            (nil, nil, true, "0106:99999998"),
            ("  ", " ", true, "0106:99999998"),
        ] as [(String?, String?, Bool, String)])
    func identifierRule(_ oin: String?, _ kvk: String?, _ dossierAsKvK: Bool, _ expected: String) {
        #expect(debtor(oin: oin, kvk: kvk).identifier(useDossierAsKvK: dossierAsKvK).participantID == expected)
    }

    @Test("The identifier goes into EndpointID and PartyLegalEntity, and the document is valid SI-UBL 2.0")
    func documentCarriesIdentifier() throws {
        let books = Books(store: try BooksStore(path: path))
        let administration = try connected(books)
        for (debtor, scheme, value) in [
            (debtor(oin: "00000001003214321000"), "0190", "00000001003214321000"), (debtor(kvk: "87654321"), "0106", "87654321"),
            (debtor(), "0106", "99999998"),
        ] {
            let added = try books.store.addDebtor(debtor, administration: administration.id)
            let invoice = try books.store.addInvoice(
                SalesInvoice(
                    debtorNumber: added.number, issueDate: LocalDate("2026-11-25")!,
                    lines: [SalesInvoiceLine(description: "Arbeid", quantity: "3", unitPrice: "0.335")]),
                administration: administration.id)
            let preview = try books.prepareSend(invoice.number, administration: administration)
            #expect(preview.document.buyer.endpointID == Identifier(value, schemeID: scheme))
            #expect(preview.document.buyer.legalEntity?.companyID == Identifier(value, schemeID: scheme))
            #expect(preview.report.isValid, "\(preview.report.findings)")
            // 3 × 0.335 = 1.005, rounded half up to 1.01; 21 % VAT of 1.01 = 0.2121 → 0.21.
            #expect(preview.document.totals.payableAmount.value == DecimalNumber(parsing: "1.22")!)
        }
    }

    @Test("Quick Connect fills App Key, Secret, e-mail and Bedrijfs-ID; a bad text is refused with its code")
    func quickConnect() throws {
        var settings = Settings()
        try Books.apply(quickConnect: " app_key:K ;\nSECRET_KEY:S3cretS3cret;EMAIL_ID:x@y.nl;COMPANY_ID:XCBE10003", to: &settings)
        #expect((settings.appKey, settings.secret, settings.email, settings.companyID) == ("K", "S3cretS3cret", "x@y.nl", "XCBE10003"))
        #expect(settings.maskedSecret?.contains("S3cretS3cret") == false)
        #expect(settings.maskedSecret?.hasPrefix("S3cr") == true)
        #expect(throws: BookkeepingError("quickconnect.invalid", "the Quick Connect text has no SECRET_KEY")) {
            try Books.apply(quickConnect: "APP_KEY:K;", to: &settings)
        }
        #expect(settings.appKey == "K", "a refused text changes nothing")
    }

    @Test("A debtor's OIN, KvK number and e-mail address are checked before it is stored")
    func debtorChecks() throws {
        let books = Books(store: try BooksStore(path: path))
        let administration = try connected(books)
        func code(_ debtor: Debtor) -> String? {
            do {
                _ = try books.addDebtor(debtor, administration: administration)
                return nil
            } catch let error as BookkeepingError { return error.code.rawValue } catch { return "\(error)" }
        }
        #expect(code(debtor(oin: "0000000100321432100")) == "books.invalid-identifier")
        #expect(code(debtor(kvk: "1234567X")) == "books.invalid-identifier")
        var noAddress = debtor(kvk: "87654321")
        noAddress.email = "facturen at klant.nl"
        #expect(code(noAddress) == "books.invalid-email")
        #expect(code(Debtor(name: "  ")) == "books.invalid-debtor")
        #expect(try books.store.debtors(administration: administration.id).isEmpty, "nothing refused was stored")
        #expect(code(debtor(oin: "00000001003214321000")) == nil)
    }

    @Test("Numbers: debtors from 1000, invoices F{year}-0001 on; names and numbers are unique; all of it survives reopening")
    func numbering() throws {
        let books = Books(store: try BooksStore(path: path))
        let administration = try books.store.createAdministration(name: "Bakkerij")
        #expect(throws: BookkeepingError.self) { try books.store.createAdministration(name: "bakkerij") }
        let first = try books.store.addDebtor(Debtor(name: "A"), administration: administration.id)
        let second = try books.store.addDebtor(Debtor(name: "B"), administration: administration.id)
        #expect((first.number, second.number) == (1000, 1001))
        let date = LocalDate("2026-03-01")!
        let one = try books.store.addInvoice(SalesInvoice(debtorNumber: 1000, issueDate: date), administration: administration.id)
        let two = try books.store.addInvoice(SalesInvoice(debtorNumber: 1001, issueDate: date), administration: administration.id)
        #expect((one.number, two.number) == ("F2026-0001", "F2026-0002"))
        #expect(throws: BookkeepingError.self) {
            try books.store.addInvoice(SalesInvoice(number: "F2026-0002", debtorNumber: 1000, issueDate: date), administration: administration.id)
        }

        let reopened = try BooksStore(path: path)
        let again = try reopened.administration(named: "Bakkerij")
        #expect(try reopened.debtors(administration: again.id).map(\.name) == ["A", "B"])
        #expect(try reopened.invoice("F2026-0002", administration: again.id).debtorNumber == 1001)
        do {
            _ = try reopened.administration(named: "Slagerij")
            Issue.record("an unknown administration was found")
        } catch let error as BookkeepingError {
            #expect(error.code == "books.no-administration")
        }
    }

    @Test("Before a send: settings complete, at least one line, no empty line (named); a sent invoice's lines stay")
    func checksBeforeSending() throws {
        let books = Books(store: try BooksStore(path: path))
        let bare = try books.store.createAdministration(name: "Leeg")
        _ = try books.store.addDebtor(debtor(kvk: "87654321"), administration: bare.id)
        _ = try books.store.addInvoice(SalesInvoice(debtorNumber: 1000, issueDate: LocalDate("2026-11-25")!), administration: bare.id)
        do {
            _ = try books.prepareSend("F2026-0001", administration: bare)
            Issue.record("sent without settings")
        } catch let error as BookkeepingError {
            #expect(error.code == "books.settings-incomplete")
            #expect(error.message.contains("App Key") && error.message.contains("Bedrijfs-ID") && error.message.contains("sender KvK"))
        }

        let administration = try connected(books)
        _ = try books.store.addDebtor(debtor(kvk: "87654321"), administration: administration.id)
        let invoice = try books.store.addInvoice(
            SalesInvoice(debtorNumber: 1000, issueDate: LocalDate("2026-11-25")!), administration: administration.id)
        #expect(throws: BookkeepingError.self) { try books.prepareSend(invoice.number, administration: administration) }
        _ = try books.addLine(
            SalesInvoiceLine(description: "Arbeid", quantity: "2", unitPrice: "50"), invoice: invoice.number, administration: administration)
        #expect(throws: BookkeepingError.self) {
            try books.addLine(
                SalesInvoiceLine(description: " ", quantity: "1", unitPrice: "5"), invoice: invoice.number, administration: administration)
        }
        // Books written before lines were checked when saved may hold one: the send still refuses it.
        try books.store.updateInvoice(invoice.number, administration: administration.id) {
            $0.lines.append(SalesInvoiceLine(position: 2, description: " ", quantity: "1", unitPrice: "5"))
        }
        do {
            _ = try books.prepareSend(invoice.number, administration: administration)
            Issue.record("an empty line was accepted")
        } catch let error as BookkeepingError {
            #expect(error.code == "books.empty-line")
            #expect(error.message.contains("line 2"))
        }

        try books.store.updateInvoice(invoice.number, administration: administration.id) { $0.state = .sent }
        #expect(throws: BookkeepingError.self) {
            try books.addLine(
                SalesInvoiceLine(description: "Meer", quantity: "1", unitPrice: "1"), invoice: invoice.number, administration: administration)
        }
    }

    @Test("Debtors change, drafts go, sent invoices are credited with a valid SI-UBL 2.0 credit note; problems in words")
    func editsCreditsAndProblems() throws {
        let books = Books(store: try BooksStore(path: path))
        let administration = try connected(books)
        var customer = try books.addDebtor(Debtor(name: "Gemeente Zuid"), administration: administration)
        let invoice = try books.createInvoice(debtor: customer.number, issueDate: LocalDate("2026-12-01")!, administration: administration)
        #expect(invoice.dueDate == LocalDate("2026-12-31")!)
        #expect(throws: BookkeepingError.self) {
            try books.createInvoice(
                debtor: customer.number, issueDate: LocalDate("2026-12-01")!, dueDate: LocalDate("2026-11-30")!, administration: administration)
        }
        _ = try books.addLine(
            try Books.line(description: "Advies", quantity: "3", price: "95,50", vatRate: "21"), invoice: invoice.number,
            administration: administration)
        #expect(try Books.line(description: "Boek", quantity: "1", price: "20", vatRate: "0").vatCategory == "Z")
        // Before any confirmation: the debtor has no address, said as a bookkeeper says it.
        let preview = try books.prepareSend(invoice.number, administration: administration)
        #expect(books.problems(preview) == ["debiteur \(customer.number) heeft geen adres"])
        (customer.street, customer.postcode, customer.city, customer.oin) = ("Markt 1", "1234 AB", "Zuid", "00000001003214321000")
        customer = try books.updateDebtor(customer, administration: administration)
        #expect(try books.store.debtor(customer.number, administration: administration.id).city == "Zuid")
        let ready = try books.prepareSend(invoice.number, administration: administration)
        #expect(books.problems(ready).isEmpty, "\(books.problems(ready))")
        #expect(ready.identifier.participantID == "0190:00000001003214321000")

        // A draft cannot be credited; a sent invoice cannot be deleted, only credited.
        #expect(throws: BookkeepingError.self) { try books.creditInvoice(invoice.number, administration: administration) }
        try books.store.updateInvoice(invoice.number, administration: administration.id) {
            ($0.state, $0.deliveryID) = (.sent, "XCNIN100001")
        }
        #expect(throws: BookkeepingError.self) { try books.deleteInvoice(invoice.number, administration: administration) }
        #expect(throws: BookkeepingError.self) { try books.removeLine(1, invoice: invoice.number, administration: administration) }
        let credit = try books.creditInvoice(invoice.number, administration: administration)
        let sent = try books.store.invoice(invoice.number, administration: administration.id)
        #expect(credit.creditedInvoice == invoice.number && credit.lines == sent.lines && credit.state == .draft)
        let creditPreview = try books.prepareSend(credit.number, administration: administration)
        #expect(creditPreview.document.kind == .creditNote)
        #expect(creditPreview.document.precedingInvoices.map(\.id) == [invoice.number])
        #expect(String(decoding: creditPreview.ubl, as: UTF8.self).hasPrefix("<CreditNote"))
        #expect(creditPreview.report.isValid, "\(creditPreview.report.findings)")
        #expect(throws: BookkeepingError.self) { try books.creditInvoice(invoice.number, administration: administration) }
        let draft = try books.createInvoice(debtor: customer.number, administration: administration)
        try books.deleteInvoice(draft.number, administration: administration)
        #expect(throws: BookkeepingError.self) { try books.store.invoice(draft.number, administration: administration.id) }
    }

    @Test("Books written as JSON rows (v1, v2) move into tables with a column per field, without loss")
    func jsonRowsMoveIntoTables() throws {
        let file = TestFolder.root.appendingPathComponent("books-v2-\(UUID().uuidString).sqlite").path
        var debtor = Debtor(number: 1000, name: "Gemeente Zuid")
        (debtor.street, debtor.postcode, debtor.city, debtor.email, debtor.oin) =
            ("Markt 1", "1234 AB", "Zuid", "f@zuid.example", "00000001003214321000")
        var invoice = SalesInvoice(
            number: "F2026-0007", debtorNumber: 1000, issueDate: LocalDate("2026-11-02")!, dueDate: LocalDate("2026-12-02")!,
            reference: "PO-9",
            lines: [
                SalesInvoiceLine(position: 1, description: "Advies", quantity: "3", unitPrice: "95.5"),
                SalesInvoiceLine(position: 3, description: "Boek", quantity: "1", unitPrice: "20", vatCategory: "Z", vatRate: "0"),
            ])
        (invoice.state, invoice.deliveryID, invoice.sentOn, invoice.sha256) = (.sent, "XCNIN100007", Date(timeIntervalSince1970: 1_795_000_000), "ab")
        invoice.statuses = [StatusSeen(code: "10", name: "Afgeleverd", changedOn: Date(timeIntervalSince1970: 1_795_000_001), by: "lev")]
        let credit = {
            var credit = SalesInvoice(number: "F2026-0008", debtorNumber: 1000, issueDate: LocalDate("2026-11-03")!, lines: invoice.lines)
            credit.creditedInvoice = "F2026-0007"
            return credit
        }()
        let purchase = PurchaseInvoiceJSON.sample
        do {
            let queue = try DatabaseQueue(path: file)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .secondsSince1970
            func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
            try queue.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                        INSERT INTO grdb_migrations VALUES ('v1'), ('v2-secret-apart');
                        CREATE TABLE administration (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                            settings TEXT NOT NULL, receive_cursor REAL, connection_secret TEXT);
                        CREATE TABLE debtor (administration_id INTEGER NOT NULL REFERENCES administration(id), number INTEGER NOT NULL,
                            data TEXT NOT NULL, PRIMARY KEY (administration_id, number));
                        CREATE TABLE sales_invoice (administration_id INTEGER NOT NULL REFERENCES administration(id),
                            number TEXT NOT NULL COLLATE NOCASE, data TEXT NOT NULL, PRIMARY KEY (administration_id, number));
                        CREATE TABLE purchase_invoice (administration_id INTEGER NOT NULL REFERENCES administration(id),
                            external_id TEXT NOT NULL, status_set INTEGER NOT NULL, received_on REAL NOT NULL, data TEXT NOT NULL,
                            PRIMARY KEY (administration_id, external_id));
                        CREATE INDEX purchase_invoice_status ON purchase_invoice (administration_id, status_set);
                        """)
                try db.execute(sql: "INSERT INTO administration (name, settings) VALUES ('Oud', ?)", arguments: [try json(Settings())])
                try db.execute(sql: "INSERT INTO debtor VALUES (1, 1000, ?)", arguments: [try json(debtor)])
                try db.execute(sql: "INSERT INTO sales_invoice VALUES (1, ?, ?)", arguments: [invoice.number, try json(invoice)])
                try db.execute(sql: "INSERT INTO sales_invoice VALUES (1, ?, ?)", arguments: [credit.number, try json(credit)])
                try db.execute(sql: "INSERT INTO purchase_invoice VALUES (1, ?, 1, 5, ?)", arguments: [purchase.externalID, purchase.json])
                // Earlier books let an invoice point at a debtor that is not there, and left lines unnumbered.
                let orphan = SalesInvoice(
                    number: "F2026-0009", debtorNumber: 1009, issueDate: LocalDate("2026-11-04")!,
                    lines: [
                        SalesInvoiceLine(description: "Een", quantity: "1", unitPrice: "1"),
                        SalesInvoiceLine(description: "Twee", quantity: "1", unitPrice: "2"),
                    ])
                try db.execute(sql: "INSERT INTO sales_invoice VALUES (1, ?, ?)", arguments: [orphan.number, try json(orphan)])
            }
        }
        let store = try BooksStore(path: file)
        let administration = try store.administration(named: "Oud")
        #expect(try store.debtor(1000, administration: administration.id) == debtor)
        #expect(try store.invoice("F2026-0007", administration: administration.id) == invoice)
        #expect(try store.invoice("F2026-0008", administration: administration.id) == credit)
        let orphan = try store.invoice("F2026-0009", administration: administration.id)
        #expect(orphan.lines.map(\.position) == [1, 2] && orphan.lines.map(\.description) == ["Een", "Twee"])
        #expect(try store.debtor(1009, administration: administration.id).name == "Debiteur 1009 (niet gevonden)")
        let purchases = try store.purchaseInvoices(administration: administration.id)
        #expect(purchases.count == 1 && purchases[0].externalID == purchase.externalID && purchases[0].verdict == "valid")
        // Now searchable, sortable and paged in SQL.
        #expect(try store.debtors(administration: administration.id, matching: "zuid").map(\.number) == [1000])
        #expect(try store.debtors(administration: administration.id, matching: "%").isEmpty)
        var byAmount = BooksStore.InvoiceFilter()
        (byAmount.order, byAmount.descending) = (.amount, true)
        #expect(try store.invoices(administration: administration.id, filter: byAmount, limit: 1).map(\.number) == ["F2026-0007"])
        var sent = BooksStore.InvoiceFilter()
        sent.state = .sent
        #expect(try store.invoices(administration: administration.id, filter: sent).map(\.number) == ["F2026-0007"])
        #expect(try store.invoices(administration: administration.id, limit: 1, offset: 1).map(\.number) == ["F2026-0008"])
        #expect(try store.debtors(administration: administration.id).count == 2)
    }

    @Test("Only VERZENDEN sends; a wrong confirmation leaves the invoice untouched")
    func confirmationWord() async throws {
        let books = Books(store: try BooksStore(path: path))
        let administration = try connected(books)
        _ = try books.store.addDebtor(debtor(kvk: "87654321"), administration: administration.id)
        let invoice = try books.store.addInvoice(
            SalesInvoice(
                debtorNumber: 1000, issueDate: LocalDate("2026-11-25")!,
                lines: [SalesInvoiceLine(description: "Arbeid", quantity: "1", unitPrice: "10")]),
            administration: administration.id)
        let preview = try books.prepareSend(invoice.number, administration: administration)
        for word in ["verzenden", "VERZEND", "", "Ja"] {
            await #expect(throws: BookkeepingError(.notConfirmed, "not sent: the confirmation was '\(word)', not VERZENDEN")) {
                try await books.send(preview, confirmation: word, administration: administration)
            }
        }
        #expect(try books.store.invoice(invoice.number, administration: administration.id) == invoice)
        // Lines changed after the confirmation was shown are not sent under it.
        _ = try books.changeLine(
            1, to: try Books.line(description: "Arbeid", quantity: "2", price: "10"), invoice: invoice.number, administration: administration)
        await #expect(throws: BookkeepingError.self) {
            try await books.send(preview, confirmation: "VERZENDEN", administration: administration)
        }
        #expect(try books.store.invoice(invoice.number, administration: administration.id).state == .draft)
    }

    @Test("Two sends of one invoice at once: one goes, the other is refused; the platform has it once")
    func concurrentSends() async throws {
        let platform = try await LivePlatform()
        let path = path
        try await platform.run { url in
            let books = Books(store: try BooksStore(path: path))
            var administration = try connected(books)
            try Books.apply(quickConnect: platform.supplier.text, to: &administration.settings)
            administration.settings.platformURL = url.absoluteString
            administration.settings = try books.saveSettings(administration.settings, administration: administration)
            var customer = debtor(oin: "00000001003214321000")
            customer.name = "Ministerie"
            _ = try books.addDebtor(customer, administration: administration)
            let invoice = try books.createInvoice(debtor: 1000, administration: administration)
            _ = try books.addLine(
                try Books.line(description: "Advies", quantity: "2", price: "100"), invoice: invoice.number, administration: administration)
            let preview = try books.prepareSend(invoice.number, administration: administration)
            let connected = administration
            @Sendable func attempt() async -> Result<SalesInvoice, any Error> {
                do { return .success(try await books.send(preview, confirmation: "VERZENDEN", administration: connected)) } catch {
                    return .failure(error)
                }
            }
            async let first = attempt()
            async let second = attempt()
            let outcomes = await [first, second]
            #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
            let refusals = outcomes.compactMap { outcome -> BookkeepingError? in
                if case .failure(let error) = outcome { return error as? BookkeepingError }
                return nil
            }
            #expect(refusals.map(\.code) == [.alreadySent])
            let inbox = try await LivePlatform.client(url, platform.customer).documents(in: .inbox).documents
            #expect(inbox.count == 1)
            #expect(try books.store.invoice(invoice.number, administration: administration.id).state == .sent)
        }
    }

    /// The platform's customer as an administration of `books`, connected by its Quick Connect text,
    /// with a purchase folder of its own beside `folder`.
    static func customer(of platform: LivePlatform, at url: URL, in books: Books, folder: String) throws -> Administration {
        var administration = try books.store.createAdministration(name: "Ministerie")
        try Books.apply(quickConnect: platform.customer.text, to: &administration.settings)
        administration.settings.platformURL = url.absoluteString
        administration.settings.purchaseFolder = (folder as NSString).deletingLastPathComponent + "/inkoop-\(UUID().uuidString)"
        try books.store.saveSettings(administration.settings, administration: administration.id)
        return administration
    }

    @Test("Receiving against the real platform: from the from-date on, each document once, even one stored out of time order")
    func receiveWindow() async throws {
        let platform = try await LivePlatform()
        let path = path
        try await platform.run { url in
            let books = Books(store: try BooksStore(path: path))
            var administration = try Self.customer(of: platform, at: url, in: books, folder: path)
            // The platform's clock stands at 2026-11-18 11:06 UTC; nothing from before the from-date is fetched.
            administration.settings.fromDate = LocalDate("2026-11-19")
            try books.store.saveSettings(administration.settings, administration: administration.id)
            let supplier = LivePlatform.client(url, platform.supplier)
            _ = try await supplier.send(try LivePlatform.invoice("F-OLD"))
            #expect(try await books.receive(administration: administration).received.isEmpty)

            platform.clock.advance(2 * 86_400)
            _ = try await supplier.send(try LivePlatform.invoice("F-A"))
            #expect(try await books.receive(administration: administration).received.map(\.number) == ["F-A"])
            // The next document arrives later but carries an earlier creation time (concurrent senders).
            platform.clock.advance(-60)
            _ = try await supplier.send(try LivePlatform.invoice("F-B"))
            let second = try await books.receive(administration: administration)
            #expect(second.received.map(\.number) == ["F-B"])
            #expect(second.alreadyReceived == 1)
            #expect(try books.store.purchaseInvoices(administration: administration.id).map(\.number) == ["F-A", "F-B"])
        }
    }
    /// A sender once blocked `books receive` for good with a 300-character invoice number (a file
    /// name over 255 bytes). Names made from sender values are bounded and harmless, and the next
    /// documents are fetched in the same run.
    @Test("Invoice numbers a sender chose cannot block receiving or escape the folder")
    func hostileInvoiceNumbers() async throws {
        let platform = try await LivePlatform()
        let path = path
        try await platform.run { url in
            let books = Books(store: try BooksStore(path: path))
            let administration = try Self.customer(of: platform, at: url, in: books, folder: path)
            let folder = try #require(administration.settings.purchaseFolder)
            let supplier = LivePlatform.client(url, platform.supplier)
            // "F/2" and "F\\2" both become "F_2": the second file gets its Delivery ID added.
            let numbers = [String(repeating: "9", count: 300), "../../etc/passwd", "..", "F\t-\n1", "F/2", "F\\2"]
            for number in numbers { _ = try await supplier.send(try LivePlatform.invoice(number)) }
            let result = try await books.receive(administration: administration)
            #expect(result.received.count == numbers.count)
            #expect(result.notBooked.isEmpty)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(files.count == numbers.count)
            #expect(Set(files).count == files.count)
            for file in files {
                #expect(file.utf8.count <= FileName.maxBytes)
                #expect(!file.hasPrefix(".") && !file.contains("/"))
                #expect(!file.unicodeScalars.contains { $0.value < 0x20 })
            }
            #expect(result.received.allSatisfy { ($0.ublPath as NSString).deletingLastPathComponent == folder })
        }
    }

    /// The books file holds the connection Secret: only its owner can read it, and the Secret is
    /// kept apart from the settings that `settings show --json` and exports are made of.
    @Test("The books file is private and the Secret never in the settings' JSON")
    func privateBooks() throws {
        let folder = TestFolder.root.appendingPathComponent("efactuur-private-\(UUID().uuidString)").path
        let path = folder + "/sub/books.sqlite"
        let books = Books(store: try BooksStore(path: path))
        _ = try connected(books)
        #expect(PrivateFiles.mode(of: path) == 0o600)
        #expect(PrivateFiles.mode(of: folder + "/sub") == 0o700)
        let settings = try books.store.administration(named: "De Vries").settings
        #expect(settings.secret == "0123456789abcdef")
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        #expect(!json.contains("0123456789abcdef") && !json.contains("secret"))
        #expect(!settings.description.contains("0123456789abcdef"))
        // A file made readable by others is tightened when the books are opened, with a warning.
        #expect(chmod(path, 0o644) == 0)
        let reopened = try BooksStore(path: path)
        #expect(reopened.permissionWarnings.count == 1)
        #expect(PrivateFiles.mode(of: path) == 0o600)
        #expect(try reopened.administration(named: "De Vries").settings.secret == "0123456789abcdef")
    }
}

/// A purchase invoice as the v1 books wrote it (the model's own JSON).
enum PurchaseInvoiceJSON {
    static let sample = (
        externalID: "XCNIN100042",
        json: """
        {"currency":"EUR","externalID":"XCNIN100042","issueDate":"2026-11-30","number":"INK-1","payableAmount":"121.00",\
        "platformStatusSet":true,"receivedOn":1795000100,"sha256":"cd","supplierName":"Leverancier","taxAmount":"21.00",\
        "taxExclusiveAmount":"100.00","ublPath":"/tmp/x.xml","verdict":"valid"}
        """
    )
}
