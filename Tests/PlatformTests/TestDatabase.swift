import EInvoiceTestSupport
import Foundation
import GRDB

/// SQLite databases for the tests of the store's parts.
enum TestDatabase {
    /// A new database file (WAL, as the store's) with `schema`, removed when `body` is done.
    static func withPool(_ schema: String, _ body: (DatabasePool) async throws -> Void) async throws {
        let directory = TestFolder.root.appendingPathComponent("efactuur-database-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try DatabasePool(path: directory.appendingPathComponent("test.sqlite").path)
        try await pool.write { db in try db.execute(sql: schema) }
        try await body(pool)
    }
}
