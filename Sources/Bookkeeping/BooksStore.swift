import EInvoice
import Foundation
import GRDB

/// The books on one SQLite file (WAL): several administrations, each with its settings, debtors,
/// sales invoices and purchase invoices. Entities are kept as JSON beside the key columns they are
/// found by, so a new setting or field is an edit to the model alone.
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
        return migrator
    }

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
            try db.execute(
                sql: "INSERT INTO debtor (administration_id, number, data) VALUES (?, ?, ?)",
                arguments: [administration, debtor.number, try json(debtor)])
            return debtor
        }
    }

    /// Replaces a debtor's details; its number stays.
    public func updateDebtor(_ debtor: Debtor, administration: Int64) throws -> Debtor {
        try database.write { db in
            try db.execute(
                sql: "UPDATE debtor SET data = ? WHERE administration_id = ? AND number = ?",
                arguments: [try json(debtor), administration, debtor.number])
            guard db.changesCount == 1 else { throw BookkeepingError.noDebtor(debtor.number) }
            return debtor
        }
    }

    public func debtor(_ number: Int, administration: Int64) throws -> Debtor {
        try database.read { db in
            guard
                let data = try String.fetchOne(
                    db, sql: "SELECT data FROM debtor WHERE administration_id = ? AND number = ?", arguments: [administration, number])
            else { throw BookkeepingError.noDebtor(number) }
            return try value(Debtor.self, data)
        }
    }

    public func debtors(administration: Int64) throws -> [Debtor] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT data FROM debtor WHERE administration_id = ? ORDER BY number", arguments: [administration])
                .map { try value(Debtor.self, $0) }
        }
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
            try db.execute(
                sql: "INSERT INTO sales_invoice (administration_id, number, data) VALUES (?, ?, ?)",
                arguments: [administration, invoice.number, try json(invoice)])
            return invoice
        }
    }

    public func invoice(_ number: String, administration: Int64) throws -> SalesInvoice {
        try database.read { db in try fetchInvoice(db, number, administration) }
    }

    public func invoices(administration: Int64) throws -> [SalesInvoice] {
        try database.read { db in
            try String.fetchAll(
                db, sql: "SELECT data FROM sales_invoice WHERE administration_id = ? ORDER BY number", arguments: [administration]
            ).map { try value(SalesInvoice.self, $0) }
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
            try db.execute(
                sql: "UPDATE sales_invoice SET data = ? WHERE administration_id = ? AND number = ?",
                arguments: [try json(invoice), administration, invoice.number])
            return invoice
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
            let data = try String.fetchOne(
                db, sql: "SELECT data FROM sales_invoice WHERE administration_id = ? AND number = ?",
                arguments: [administration, number])
        else { throw BookkeepingError.noInvoice(number) }
        return try value(SalesInvoice.self, data)
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
            try db.execute(
                sql: """
                    INSERT INTO purchase_invoice (administration_id, external_id, status_set, received_on, data)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    administration, invoice.externalID, invoice.platformStatusSet,
                    invoice.receivedOn.timeIntervalSince1970, try json(invoice),
                ])
            try db.execute(
                sql: "UPDATE administration SET receive_cursor = MAX(COALESCE(receive_cursor, 0), ?) WHERE id = ?",
                arguments: [createdOn.timeIntervalSince1970, administration])
        }
    }

    public func purchaseInvoices(administration: Int64, awaitingStatusOnly: Bool = false) throws -> [PurchaseInvoice] {
        try database.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT data FROM purchase_invoice WHERE administration_id = ?"
                    + (awaitingStatusOnly ? " AND status_set = 0" : "") + " ORDER BY received_on, external_id",
                arguments: [administration]
            ).map { try value(PurchaseInvoice.self, $0) }
        }
    }

    public func markStatusSet(externalID: String, administration: Int64) throws {
        try database.write { db in
            guard
                let data = try String.fetchOne(
                    db, sql: "SELECT data FROM purchase_invoice WHERE administration_id = ? AND external_id = ?",
                    arguments: [administration, externalID])
            else { return }
            var invoice = try value(PurchaseInvoice.self, data)
            invoice.platformStatusSet = true
            try db.execute(
                sql: "UPDATE purchase_invoice SET status_set = 1, data = ? WHERE administration_id = ? AND external_id = ?",
                arguments: [try json(invoice), administration, externalID])
        }
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
