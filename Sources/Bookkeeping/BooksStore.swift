import EInvoice
import Foundation
import GRDB

/// The books on one SQLite file (WAL): several administrations, each with its settings, debtors,
/// sales invoices (with their lines and the statuses seen) and purchase invoices, each in a table
/// with a column per field. The settings stay one JSON object (a screen reads and writes them
/// whole), the Secret in a column of its own.
public struct BooksStore: Sendable {
    private let database: DatabasePool
    /// What opening the books tightened: a file others could read (see `PrivateFiles`).
    public let permissionWarnings: [String]

    /// Opens (and creates or migrates) the books at `path`, readable by their owner alone; a
    /// missing folder is created `0700`, an existing one is left as it is (it may be the user's own).
    public init(path: String) throws {
        permissionWarnings = try PrivateFiles.prepareDatabase(at: path, ownsFolder: false)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE administration (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        settings TEXT NOT NULL,
                        receive_cursor REAL
                    );
                    CREATE TABLE debtor (
                        administration_id INTEGER NOT NULL REFERENCES administration(id),
                        number INTEGER NOT NULL,
                        data TEXT NOT NULL,
                        PRIMARY KEY (administration_id, number)
                    );
                    CREATE TABLE sales_invoice (
                        administration_id INTEGER NOT NULL REFERENCES administration(id),
                        number TEXT NOT NULL COLLATE NOCASE,
                        data TEXT NOT NULL,
                        PRIMARY KEY (administration_id, number)
                    );
                    CREATE TABLE purchase_invoice (
                        administration_id INTEGER NOT NULL REFERENCES administration(id),
                        external_id TEXT NOT NULL,
                        status_set INTEGER NOT NULL,
                        received_on REAL NOT NULL,
                        data TEXT NOT NULL,
                        PRIMARY KEY (administration_id, external_id)
                    );
                    CREATE INDEX purchase_invoice_status ON purchase_invoice (administration_id, status_set);
                    """)
        }
        // The connection Secret lives in a column of its own, never in the settings JSON that
        // `settings show --json`, exports and logs are made from.
        migrator.registerMigration("v2-secret-apart") { db in
            try db.execute(sql: "ALTER TABLE administration ADD COLUMN connection_secret TEXT")
            for row in try Row.fetchAll(db, sql: "SELECT id, settings FROM administration") {
                let text: String = row["settings"]
                guard var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                let secret = object.removeValue(forKey: "secret") as? String
                let rewritten = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
                try db.execute(
                    sql: "UPDATE administration SET settings = ?, connection_secret = ? WHERE id = ?",
                    arguments: [rewritten, secret, row["id"]])
            }
        }
        // Debtors, invoices with their lines and statuses, and purchase invoices in tables with a
        // column per field, so the screens list, search, sort and page in SQL. The JSON rows are
        // read with the models that wrote them and moved over whole.
        migrator.registerMigration("v3-tables") { db in
            try db.execute(sql: "ALTER TABLE debtor RENAME TO debtor_json")
            try db.execute(sql: "ALTER TABLE sales_invoice RENAME TO sales_invoice_json")
            try db.execute(sql: "ALTER TABLE purchase_invoice RENAME TO purchase_invoice_json")
            try db.execute(sql: "DROP INDEX purchase_invoice_status")
            try db.execute(sql: Self.tables)
            for row in try Row.fetchAll(db, sql: "SELECT administration_id, data FROM debtor_json ORDER BY administration_id, number") {
                try Self.insert(try value(Debtor.self, row["data"]), administration: row["administration_id"], db)
            }
            for row in try Row.fetchAll(db, sql: "SELECT administration_id, data FROM sales_invoice_json ORDER BY administration_id, number") {
                let invoice = try value(SalesInvoice.self, row["data"])
                let administration: Int64 = row["administration_id"]
                // Earlier books did not make sure an invoice's debtor exists: one is made rather than lose the invoice.
                if try Row.fetchOne(
                    db, sql: "SELECT 1 FROM debtor WHERE administration_id = ? AND number = ?", arguments: [administration, invoice.debtorNumber])
                    == nil
                {
                    try Self.insert(
                        Debtor(number: invoice.debtorNumber, name: "Debiteur \(invoice.debtorNumber) (niet gevonden)"),
                        administration: administration, db)
                }
                try Self.write(invoice, administration: administration, db, replacing: false)
            }
            for row in try Row.fetchAll(db, sql: "SELECT administration_id, data FROM purchase_invoice_json ORDER BY administration_id, received_on")
            {
                try Self.insert(try value(PurchaseInvoice.self, row["data"]), administration: row["administration_id"], db)
            }
            try db.execute(sql: "DROP TABLE purchase_invoice_json; DROP TABLE sales_invoice_json; DROP TABLE debtor_json")
        }
        return migrator
    }

    static let tables = """
        CREATE TABLE debtor (
            administration_id INTEGER NOT NULL REFERENCES administration(id),
            number INTEGER NOT NULL,
            name TEXT NOT NULL,
            street TEXT, postcode TEXT, city TEXT, country TEXT NOT NULL,
            email TEXT, oin TEXT, kvk TEXT, vat TEXT,
            PRIMARY KEY (administration_id, number)
        );
        CREATE INDEX debtor_name ON debtor (administration_id, name COLLATE NOCASE);
        CREATE TABLE sales_invoice (
            administration_id INTEGER NOT NULL REFERENCES administration(id),
            number TEXT NOT NULL COLLATE NOCASE,
            debtor_number INTEGER NOT NULL,
            issue_date TEXT NOT NULL, due_date TEXT, reference TEXT,
            state TEXT NOT NULL,
            -- The sum of the lines' net amounts (quantity × price, each to the cent), as exact text.
            net_amount TEXT NOT NULL,
            delivery_id TEXT, sent_on REAL, last_error TEXT, ubl_path TEXT, sha256 TEXT,
            credited_invoice TEXT, route TEXT,
            PRIMARY KEY (administration_id, number),
            FOREIGN KEY (administration_id, debtor_number) REFERENCES debtor (administration_id, number)
        );
        CREATE INDEX sales_invoice_date ON sales_invoice (administration_id, issue_date);
        CREATE INDEX sales_invoice_debtor ON sales_invoice (administration_id, debtor_number, issue_date);
        CREATE INDEX sales_invoice_state ON sales_invoice (administration_id, state, issue_date);
        CREATE INDEX sales_invoice_credited ON sales_invoice (administration_id, credited_invoice);
        CREATE TABLE sales_invoice_line (
            administration_id INTEGER NOT NULL,
            invoice_number TEXT NOT NULL COLLATE NOCASE,
            position INTEGER NOT NULL,
            description TEXT NOT NULL, quantity TEXT, unit_price TEXT, vat_category TEXT NOT NULL, vat_rate TEXT,
            PRIMARY KEY (administration_id, invoice_number, position),
            FOREIGN KEY (administration_id, invoice_number) REFERENCES sales_invoice (administration_id, number) ON DELETE CASCADE
        );
        CREATE TABLE sales_invoice_status (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            administration_id INTEGER NOT NULL,
            invoice_number TEXT NOT NULL COLLATE NOCASE,
            code TEXT NOT NULL, name TEXT NOT NULL, changed_on REAL NOT NULL, changed_by TEXT,
            FOREIGN KEY (administration_id, invoice_number) REFERENCES sales_invoice (administration_id, number) ON DELETE CASCADE
        );
        CREATE INDEX sales_invoice_status_invoice ON sales_invoice_status (administration_id, invoice_number, id);
        CREATE TABLE purchase_invoice (
            administration_id INTEGER NOT NULL REFERENCES administration(id),
            external_id TEXT NOT NULL,
            supplier_name TEXT NOT NULL, number TEXT NOT NULL, issue_date TEXT NOT NULL, currency TEXT NOT NULL,
            tax_exclusive_amount TEXT, tax_amount TEXT, payable_amount TEXT NOT NULL,
            verdict TEXT NOT NULL, ubl_path TEXT NOT NULL, sha256 TEXT, pdf_path TEXT,
            received_on REAL NOT NULL, status_set INTEGER NOT NULL,
            PRIMARY KEY (administration_id, external_id)
        );
        CREATE INDEX purchase_invoice_status ON purchase_invoice (administration_id, status_set);
        CREATE INDEX purchase_invoice_received ON purchase_invoice (administration_id, received_on);
        """

    // MARK: Administrations

    public func createAdministration(name: String) throws -> Administration {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw BookkeepingError(.invalidName, "an administration needs a name") }
        return try database.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM administration WHERE name = ?", arguments: [name]) != nil {
                throw BookkeepingError(.administrationExists, "there is already an administration '\(name)'")
            }
            let settings = Settings()
            try db.execute(
                sql: "INSERT INTO administration (name, settings) VALUES (?, ?)", arguments: [name, try json(settings)])
            return Administration(id: db.lastInsertedRowID, name: name, settings: settings)
        }
    }

    public func administration(named name: String) throws -> Administration {
        try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, name, settings, connection_secret FROM administration WHERE name = ?", arguments: [name])
            else { throw BookkeepingError.noAdministration(name) }
            return try Self.administration(row)
        }
    }

    public func administration(id: Int64) throws -> Administration {
        try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, name, settings, connection_secret FROM administration WHERE id = ?", arguments: [id])
            else { throw BookkeepingError.noAdministration("#\(id)") }
            return try Self.administration(row)
        }
    }

    public func administrations() throws -> [Administration] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, settings, connection_secret FROM administration ORDER BY name")
                .map(Self.administration)
        }
    }

    public func saveSettings(_ settings: Settings, administration: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE administration SET settings = ?, connection_secret = ? WHERE id = ?",
                arguments: [try json(settings), settings.secret, administration])
        }
    }

    private static func administration(_ row: Row) throws -> Administration {
        var settings = try value(Settings.self, row["settings"])
        settings.secret = row["connection_secret"]
        return Administration(id: row["id"], name: row["name"], settings: settings)
    }

    /// How many debtors, sales invoices and purchase invoices an administration holds.
    public func counts(administration: Int64) throws -> (debtors: Int, salesInvoices: Int, purchaseInvoices: Int) {
        try database.read { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE administration_id = ?", arguments: [administration]) ?? 0
            }
            return (try count("debtor"), try count("sales_invoice"), try count("purchase_invoice"))
        }
    }

    /// The creation time of the newest inbox document already received.
    public func receiveCursor(administration: Int64) throws -> Date? {
        try database.read { db in
            try Double.fetchOne(db, sql: "SELECT receive_cursor FROM administration WHERE id = ?", arguments: [administration])
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    // MARK: Debtors

    /// Stores a new debtor; number 0 takes the next free number (from 1000).
    public func addDebtor(_ debtor: Debtor, administration: Int64) throws -> Debtor {
        try database.write { db in
            var debtor = debtor
            if debtor.number == 0 {
                let highest = try Int.fetchOne(
                    db, sql: "SELECT MAX(number) FROM debtor WHERE administration_id = ?", arguments: [administration])
                debtor.number = max((highest ?? 999) + 1, 1000)
            } else if try Row.fetchOne(
                db, sql: "SELECT 1 FROM debtor WHERE administration_id = ? AND number = ?",
                arguments: [administration, debtor.number]) != nil
            {
                throw BookkeepingError(.debtorExists, "there is already a debtor \(debtor.number)")
            }
            try Self.insert(debtor, administration: administration, db)
            return debtor
        }
    }

    /// Replaces a debtor's details; its number stays.
    public func updateDebtor(_ debtor: Debtor, administration: Int64) throws -> Debtor {
        try database.write { db in
            try db.execute(
                sql: """
                    UPDATE debtor SET name = ?, street = ?, postcode = ?, city = ?, country = ?, email = ?, oin = ?, kvk = ?, vat = ?
                    WHERE administration_id = ? AND number = ?
                    """,
                arguments: [
                    debtor.name, debtor.street, debtor.postcode, debtor.city, debtor.country, debtor.email, debtor.oin, debtor.kvk,
                    debtor.vat, administration, debtor.number,
                ])
            guard db.changesCount == 1 else { throw BookkeepingError.noDebtor(debtor.number) }
            return debtor
        }
    }

    static func insert(_ debtor: Debtor, administration: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO debtor (administration_id, number, name, street, postcode, city, country, email, oin, kvk, vat)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                administration, debtor.number, debtor.name, debtor.street, debtor.postcode, debtor.city, debtor.country, debtor.email,
                debtor.oin, debtor.kvk, debtor.vat,
            ])
    }

    public func debtor(_ number: Int, administration: Int64) throws -> Debtor {
        try database.read { db in
            guard
                let debtor = try Debtor.fetchOne(
                    db, sql: "SELECT * FROM debtor WHERE administration_id = ? AND number = ?", arguments: [administration, number])
            else { throw BookkeepingError.noDebtor(number) }
            return debtor
        }
    }

    /// The debtors in number order; `matching` narrows them to a number or a part of the name.
    public func debtors(administration: Int64, matching search: String = "", limit: Int = .max, offset: Int = 0) throws -> [Debtor] {
        try database.read { db in
            let search = search.trimmingCharacters(in: .whitespaces)
            var sql = "SELECT * FROM debtor WHERE administration_id = ?"
            var arguments: StatementArguments = [administration]
            if !search.isEmpty {
                sql += " AND (name LIKE ? ESCAPE '\\' OR number = ?)"
                arguments += [Self.like(search), Int(search) ?? -1]
            }
            sql += " ORDER BY number LIMIT ? OFFSET ?"
            arguments += [max(0, limit), max(0, offset)]
            return try Debtor.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// `%text%` for LIKE, with the wildcards a user typed taken literally.
    static func like(_ text: String) -> String {
        "%"
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    // MARK: Sales invoices

    /// Stores a new invoice; an empty number takes the next `F{year}-{nnnn}`.
    public func addInvoice(_ invoice: SalesInvoice, administration: Int64) throws -> SalesInvoice {
        try database.write { db in
            var invoice = invoice
            if invoice.number.isEmpty {
                let prefix = "F\(invoice.issueDate.year)-"
                let numbers = try String.fetchAll(
                    db, sql: "SELECT number FROM sales_invoice WHERE administration_id = ? AND number LIKE ?",
                    arguments: [administration, prefix + "%"])
                let highest = numbers.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
                let next = String(highest + 1)
                invoice.number = prefix + String(repeating: "0", count: max(0, 4 - next.count)) + next
            } else if try Row.fetchOne(
                db, sql: "SELECT 1 FROM sales_invoice WHERE administration_id = ? AND number = ?",
                arguments: [administration, invoice.number]) != nil
            {
                throw BookkeepingError(.invoiceExists, "there is already a sales invoice '\(invoice.number)'")
            }
            guard
                try Row.fetchOne(
                    db, sql: "SELECT 1 FROM debtor WHERE administration_id = ? AND number = ?", arguments: [administration, invoice.debtorNumber])
                    != nil
            else { throw BookkeepingError.noDebtor(invoice.debtorNumber) }
            Self.numberLines(&invoice)
            try Self.write(invoice, administration: administration, db, replacing: false)
            return invoice
        }
    }

    public func invoice(_ number: String, administration: Int64) throws -> SalesInvoice {
        try database.read { db in try fetchInvoice(db, number, administration) }
    }

    /// Which invoices a list shows, and in what order.
    public struct InvoiceFilter: Sendable {
        public enum Order: String, Sendable, CaseIterable {
            case number, date, debtor, amount
        }

        public var debtor: Int?
        public var state: SalesInvoice.State?
        public var from: LocalDate?
        public var through: LocalDate?
        public var order: Order = .number
        public var descending = false

        public init() {}
    }

    /// The invoices `filter` selects, a page at a time.
    public func invoices(
        administration: Int64, filter: InvoiceFilter = InvoiceFilter(), limit: Int = .max, offset: Int = 0
    ) throws -> [SalesInvoice] {
        try database.read { db in
            var sql = "SELECT * FROM sales_invoice WHERE administration_id = ?"
            var arguments: StatementArguments = [administration]
            if let debtor = filter.debtor {
                sql += " AND debtor_number = ?"
                arguments += [debtor]
            }
            if let state = filter.state {
                sql += " AND state = ?"
                arguments += [state.rawValue]
            }
            if let from = filter.from {
                sql += " AND issue_date >= ?"
                arguments += [from.description]
            }
            if let through = filter.through {
                sql += " AND issue_date <= ?"
                arguments += [through.description]
            }
            let column =
                switch filter.order {
                case .number: "number"
                case .date: "issue_date"
                case .debtor: "debtor_number"
                case .amount: "CAST(net_amount AS REAL)"
                }
            sql += " ORDER BY \(column) \(filter.descending ? "DESC" : "ASC"), number LIMIT ? OFFSET ?"
            arguments += [max(0, limit), max(0, offset)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.invoice($0, db) }
        }
    }

    /// Reads, changes and writes an invoice in one transaction.
    @discardableResult
    public func updateInvoice(
        _ number: String, administration: Int64, _ change: (inout SalesInvoice) throws -> Void
    ) throws -> SalesInvoice {
        try database.write { db in
            var invoice = try fetchInvoice(db, number, administration)
            try change(&invoice)
            try Self.write(invoice, administration: administration, db, replacing: true)
            return invoice
        }
    }

    /// The credit note that credits invoice `number`, if one was made.
    public func creditNote(for number: String, administration: Int64) throws -> String? {
        try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT number FROM sales_invoice WHERE administration_id = ? AND credited_invoice = ? LIMIT 1",
                arguments: [administration, number])
        }
    }

    /// Deletes an invoice once `check` (given the stored invoice) lets it, in one transaction.
    public func deleteInvoice(_ number: String, administration: Int64, check: (SalesInvoice) throws -> Void) throws {
        try database.write { db in
            try check(try fetchInvoice(db, number, administration))
            try db.execute(
                sql: "DELETE FROM sales_invoice WHERE administration_id = ? AND number = ?", arguments: [administration, number])
        }
    }

    private func fetchInvoice(_ db: Database, _ number: String, _ administration: Int64) throws -> SalesInvoice {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM sales_invoice WHERE administration_id = ? AND number = ?", arguments: [administration, number])
        else { throw BookkeepingError.noInvoice(number) }
        return try Self.invoice(row, db)
    }

    /// An invoice from its row, with its lines and the statuses seen.
    static func invoice(_ row: Row, _ db: Database) throws -> SalesInvoice {
        let administration: Int64 = row["administration_id"]
        let number: String = row["number"]
        var invoice = SalesInvoice(
            number: number, debtorNumber: row["debtor_number"], issueDate: try date(row["issue_date"]),
            dueDate: try (row["due_date"] as String?).map(date), reference: row["reference"],
            lines: try SalesInvoiceLine.fetchAll(
                db, sql: "SELECT * FROM sales_invoice_line WHERE administration_id = ? AND invoice_number = ? ORDER BY position",
                arguments: [administration, number]))
        invoice.state = SalesInvoice.State(rawValue: row["state"]) ?? .draft
        invoice.deliveryID = row["delivery_id"]
        invoice.sentOn = (row["sent_on"] as Double?).map(Date.init(timeIntervalSince1970:))
        (invoice.lastError, invoice.ublPath, invoice.sha256) = (row["last_error"], row["ubl_path"], row["sha256"])
        (invoice.creditedInvoice, invoice.route) = (row["credited_invoice"], row["route"])
        let statuses = try StatusSeen.fetchAll(
            db, sql: "SELECT * FROM sales_invoice_status WHERE administration_id = ? AND invoice_number = ? ORDER BY id",
            arguments: [administration, number])
        invoice.statuses = statuses.isEmpty ? nil : statuses
        return invoice
    }

    /// Lines given without their numbers (or with repeated ones) are numbered in order.
    static func numberLines(_ invoice: inout SalesInvoice) {
        let positions = invoice.lines.map(\.position)
        guard positions.contains(where: { $0 <= 0 }) || Set(positions).count != positions.count else { return }
        for index in invoice.lines.indices { invoice.lines[index].position = index + 1 }
    }

    /// Writes an invoice's row, lines and statuses (replacing what was stored for it).
    static func write(_ invoice: SalesInvoice, administration: Int64, _ db: Database, replacing: Bool) throws {
        var invoice = invoice
        numberLines(&invoice)
        let header: StatementArguments = [
            invoice.debtorNumber, invoice.issueDate.description, invoice.dueDate?.description, invoice.reference, invoice.state.rawValue,
            invoice.netAmount.description, invoice.deliveryID, invoice.sentOn?.timeIntervalSince1970, invoice.lastError,
            invoice.ublPath, invoice.sha256, invoice.creditedInvoice, invoice.route,
        ]
        if replacing {
            try db.execute(
                sql: """
                    UPDATE sales_invoice SET debtor_number = ?, issue_date = ?, due_date = ?, reference = ?, state = ?, net_amount = ?,
                        delivery_id = ?, sent_on = ?, last_error = ?, ubl_path = ?, sha256 = ?, credited_invoice = ?, route = ?
                    WHERE administration_id = ? AND number = ?
                    """, arguments: header + [administration, invoice.number])
            try db.execute(
                sql: "DELETE FROM sales_invoice_line WHERE administration_id = ? AND invoice_number = ?",
                arguments: [administration, invoice.number])
            try db.execute(
                sql: "DELETE FROM sales_invoice_status WHERE administration_id = ? AND invoice_number = ?",
                arguments: [administration, invoice.number])
        } else {
            try db.execute(
                sql: """
                    INSERT INTO sales_invoice (debtor_number, issue_date, due_date, reference, state, net_amount, delivery_id, sent_on,
                        last_error, ubl_path, sha256, credited_invoice, route, administration_id, number)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: header + [administration, invoice.number])
        }
        for line in invoice.lines {
            try db.execute(
                sql: """
                    INSERT INTO sales_invoice_line (administration_id, invoice_number, position, description, quantity, unit_price,
                        vat_category, vat_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    administration, invoice.number, line.position, line.description, line.quantity?.description,
                    line.unitPrice?.description, line.vatCategory, line.vatRate?.description,
                ])
        }
        for status in invoice.statuses ?? [] {
            try db.execute(
                sql: """
                    INSERT INTO sales_invoice_status (administration_id, invoice_number, code, name, changed_on, changed_by)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [administration, invoice.number, status.code, status.name, status.changedOn.timeIntervalSince1970, status.by])
        }
    }

    // MARK: Purchase invoices

    public func hasPurchaseInvoice(externalID: String, administration: Int64) throws -> Bool {
        try database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT 1 FROM purchase_invoice WHERE administration_id = ? AND external_id = ?",
                arguments: [administration, externalID]) != nil
        }
    }

    /// Records a received document and moves the receive cursor to its creation time, together.
    public func addPurchaseInvoice(_ invoice: PurchaseInvoice, createdOn: Date, administration: Int64) throws {
        try database.write { db in
            try Self.insert(invoice, administration: administration, db)
            try db.execute(
                sql: "UPDATE administration SET receive_cursor = MAX(COALESCE(receive_cursor, 0), ?) WHERE id = ?",
                arguments: [createdOn.timeIntervalSince1970, administration])
        }
    }

    static func insert(_ invoice: PurchaseInvoice, administration: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO purchase_invoice (administration_id, external_id, supplier_name, number, issue_date, currency,
                    tax_exclusive_amount, tax_amount, payable_amount, verdict, ubl_path, sha256, pdf_path, received_on, status_set)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                administration, invoice.externalID, invoice.supplierName, invoice.number, invoice.issueDate, invoice.currency,
                invoice.taxExclusiveAmount, invoice.taxAmount, invoice.payableAmount, invoice.verdict, invoice.ublPath, invoice.sha256,
                invoice.pdfPath, invoice.receivedOn.timeIntervalSince1970, invoice.platformStatusSet,
            ])
    }

    public func purchaseInvoices(
        administration: Int64, awaitingStatusOnly: Bool = false, limit: Int = .max, offset: Int = 0
    ) throws -> [PurchaseInvoice] {
        try database.read { db in
            try PurchaseInvoice.fetchAll(
                db,
                sql: "SELECT * FROM purchase_invoice WHERE administration_id = ?"
                    + (awaitingStatusOnly ? " AND status_set = 0" : "") + " ORDER BY received_on, external_id LIMIT ? OFFSET ?",
                arguments: [administration, max(0, limit), max(0, offset)])
        }
    }

    public func purchaseInvoice(externalID: String, administration: Int64) throws -> PurchaseInvoice? {
        try database.read { db in
            try PurchaseInvoice.fetchOne(
                db, sql: "SELECT * FROM purchase_invoice WHERE administration_id = ? AND external_id = ?",
                arguments: [administration, externalID])
        }
    }

    public func markStatusSet(externalID: String, administration: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE purchase_invoice SET status_set = 1 WHERE administration_id = ? AND external_id = ?",
                arguments: [administration, externalID])
        }
    }
}

private func date(_ text: String) throws -> LocalDate {
    guard let date = LocalDate(text) else { throw BookkeepingError(.invalidDate, "the books hold '\(text)' where a date belongs") }
    return date
}

extension Debtor: FetchableRecord {
    public init(row: Row) {
        self.init(number: row["number"], name: row["name"])
        (street, postcode, city, country) = (row["street"], row["postcode"], row["city"], row["country"])
        (email, oin, kvk, vat) = (row["email"], row["oin"], row["kvk"], row["vat"])
    }
}

extension SalesInvoiceLine: FetchableRecord {
    public init(row: Row) {
        self.init(
            position: row["position"], description: row["description"],
            quantity: (row["quantity"] as String?).flatMap { DecimalNumber(parsing: $0) },
            unitPrice: (row["unit_price"] as String?).flatMap { DecimalNumber(parsing: $0) }, vatCategory: row["vat_category"],
            vatRate: (row["vat_rate"] as String?).flatMap { DecimalNumber(parsing: $0) })
    }
}

extension StatusSeen: FetchableRecord {
    public init(row: Row) {
        self.init(
            code: row["code"], name: row["name"], changedOn: Date(timeIntervalSince1970: row["changed_on"]), by: row["changed_by"])
    }
}

extension PurchaseInvoice: FetchableRecord {
    public init(row: Row) {
        self.init(
            externalID: row["external_id"], supplierName: row["supplier_name"], number: row["number"], issueDate: row["issue_date"],
            currency: row["currency"], taxExclusiveAmount: row["tax_exclusive_amount"], taxAmount: row["tax_amount"],
            payableAmount: row["payable_amount"], verdict: row["verdict"], ublPath: row["ubl_path"], sha256: row["sha256"],
            pdfPath: row["pdf_path"], receivedOn: Date(timeIntervalSince1970: row["received_on"]), platformStatusSet: row["status_set"])
    }
}

private func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .secondsSince1970
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

private func value<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .secondsSince1970
    return try decoder.decode(type, from: Data(text.utf8))
}
