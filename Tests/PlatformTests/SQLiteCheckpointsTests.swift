import EInvoiceTestSupport
import Foundation
import GRDB
import Testing

@testable import Platform

@Suite("SQLite: the WAL is checkpointed beside the writer, and stays bounded")
struct SQLiteCheckpointsTests {
    static let pageBytes = 4_096
    /// A WAL frame: a page and its 24-byte header.
    static let frameBytes = pageBytes + 24

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Inserts `count` rows of two pages each, each row in a commit of its own.
    static func insert(_ count: Int, into pool: DatabasePool) async throws {
        for _ in 0..<count {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO row (data) VALUES (?)", arguments: [Data(repeating: 7, count: 2 * pageBytes)])
            }
        }
    }

    @Test("Commits past the step are copied into the database file by another connection; past the limit the writer copies and the WAL starts over")
    func checkpoints() async throws {
        try await TestDatabase.withPool("CREATE TABLE row (id INTEGER PRIMARY KEY, data BLOB)") { (pool: DatabasePool) async throws in
            let path = pool.path
            try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            let empty = Self.fileSize(path)

            let checkpoints = try SQLiteCheckpoints(path: path, synchronous: "NORMAL", backgroundStep: 20, writerLimit: 200)
            try await pool.writeWithoutTransaction { db in checkpoints.watch(db) }

            // ~90 pages: below SQLite's own threshold (1,000) and the writer's limit, so only the
            // background rounds can have put them into the database file (all but those committed
            // after the last round, fewer than a step).
            try await Self.insert(30, into: pool)
            let copied = (30 * 2 - checkpoints.backgroundStep) * Self.pageBytes
            let deadline = Date().addingTimeInterval(10)
            while Self.fileSize(path) < empty + copied, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(Self.fileSize(path) >= empty + copied, "the database file holds \(Self.fileSize(path)) bytes")

            // ~900 pages more: without the writer's own checkpoint the WAL would hold them all.
            try await Self.insert(300, into: pool)
            let wal = Self.fileSize(path + "-wal")
            #expect(wal <= 2 * checkpoints.writerLimit * Self.frameBytes, "the WAL is \(wal) bytes")
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM row") } == 330)

            try await pool.writeWithoutTransaction { db in checkpoints.stopWatching(db) }
        }
    }
}
