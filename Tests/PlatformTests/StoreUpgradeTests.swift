import EInvoiceTestSupport
import Foundation
import GRDB
import Logging
import PlatformTestSupport
import PostgresNIO
import Testing

@testable import Platform
@testable import PlatformPostgres

/// A platform made by the version before the store contract opens under it: nothing lost, and
/// registry numbers two organisations share stop the upgrade with a message naming them.
@Suite("Upgrading a store to the store contract", .timeLimit(.minutes(10)))
struct StoreUpgradeTests {
    @Test("SQLite: v5 → v6 keeps documents and their numbering, refuses shared KvK numbers until resolved")
    func sqlite() async throws {
        let directory = TestFolder.root.appendingPathComponent("efactuur-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("platform.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLitePlatformStore.migrator.migrate(queue, upTo: "v5: peppol")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO account VALUES ('ACC100001', 'Oud', 'Baas@oud.example', 'basic', 0);
                        INSERT INTO organisation VALUES ('XCNL10001', 'ACC100001', 'Een', 'NL', 10001, '12345678', NULL, NULL, NULL, 1, 0);
                        INSERT INTO organisation VALUES ('XCNL10002', 'ACC100001', 'Twee', 'NL', 10002, '12345678', NULL, NULL, NULL, 1, 0);
                        INSERT INTO document (seq, external_id, sender_party, receiver_reference, subject, template_id, created_on,
                            modified_on, status_code, status_name, status_changed_on, route, message_id, identity, revision, payload,
                            payload_sha256)
                        VALUES (41, 'EXT41', 'XCNL10001', 'x@example.org', 'F-1', 'Factuur', 0, 0, '10', 'Afgeleverd', 0, 'ToEmail',
                            'EM100041', 'F-1|2026-01-01|XCNL10001', 1, '<Invoice/>', 'abc');
                        """)
            }
        }
        do {
            let failure = #expect(throws: PlatformError.self) { _ = try SQLitePlatformStore(path: path) }
            #expect(failure?.code == .conflictingRecords)
            #expect(failure?.message.contains("kvk 12345678 (XCNL10001, XCNL10002)") == true)
        }
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE organisation SET kvk = NULL WHERE party_id = 'XCNL10002'")
        }
        let store = try SQLitePlatformStore(path: path)
        #expect(try await store.users(accountID: "ACC100001").map(\.email) == ["Baas@oud.example"])
        let kept = try await store.document(externalID: "EXT41")
        #expect(kept?.sequence == 41)
        #expect(kept?.payload == "<Invoice/>")
        // v12 moved payloads out of `document`, whose rows SQLite rewrites on every status change.
        #expect(try await DatabaseQueue(path: path).read { try $0.columns(in: "document").map(\.name) }.contains("payload") == false)
        // v7 took the invoice number out of the identity, for Invoice Responses to find it by.
        #expect(try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT invoice_id FROM document WHERE seq = 41") } == "F-1")
        let next = try await store.storeDocument(
            DocumentDraft(
                senderPartyID: "XCNL10001", receiverPartyID: nil, receiverReference: "x@example.org", receiverEmail: nil,
                subject: "F-2", templateID: "Factuur", route: .toEmail, identity: "F-2|2026-01-01|XCNL10001",
                initialStatus: StatusChange(status: .afgeleverd, changedOn: Date()), payload: "<Invoice/>",
                payloadSHA256: "abc"), now: Date())
        #expect(try await store.document(externalID: next.externalID)!.sequence > 41)
    }

    @Test("PostgreSQL: v5 → v6 refuses shared OIN numbers until resolved, then names every migration")
    func postgres() async throws {
        let url = try await PostgresServer.shared().makeDatabase()
        let client = PostgresClient(configuration: try PostgresPlatformStore.configuration(url: url))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        let logger = Logger(label: "test")
        // What version 5 made: its migrations applied and numbered, without names.
        try await client.query("CREATE TABLE efactuur_migration (version INTEGER PRIMARY KEY)", logger: logger)
        for (index, migration) in PostgresPlatformStore.migrations.prefix(4).enumerated() {
            for statement in migration.script.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                try await client.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger)
            }
            try await client.query("INSERT INTO efactuur_migration (version) VALUES (\(index + 1))", logger: logger)
        }
        try await client.query("INSERT INTO account VALUES ('ACC100001', 'Oud', 'baas@oud.example', 'basic', 0)", logger: logger)
        for (party, number) in [("XCNL10001", 10001), ("XCNL10002", 10002)] {
            try await client.query(
                """
                INSERT INTO organisation VALUES
                (\(party), 'ACC100001', 'Org', 'NL', \(number), NULL, '00000001003214321000', NULL, NULL, true, 0)
                """, logger: logger)
        }
        do {
            _ = try await PostgresPlatformStore(url: url)
            Issue.record("the upgrade went ahead with a shared OIN")
        } catch let error as PlatformError {
            #expect(error.code == .conflictingRecords)
            #expect(error.message.contains("oin 00000001003214321000 (XCNL10001, XCNL10002)"))
        }
        try await client.query("UPDATE organisation SET oin = NULL WHERE party_id = 'XCNL10002'", logger: logger)
        let store = try await PostgresPlatformStore(url: url)
        #expect(try await store.users(accountID: "ACC100001").map(\.email) == ["baas@oud.example"])
        let names = try await client.query("SELECT name FROM efactuur_migration ORDER BY version", logger: logger).collect()
            .map { try $0.decode(String.self) }
        #expect(names == PostgresPlatformStore.migrations.map(\.name))
    }
}
