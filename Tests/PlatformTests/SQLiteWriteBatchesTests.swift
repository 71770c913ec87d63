import EInvoiceTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Platform

@Suite("SQLite: concurrent writes share a commit, each with its own outcome")
struct SQLiteWriteBatchesTests {
    /// Counts the commits of a database.
    final class Commits: TransactionObserver, Sendable {
        let count = Mutex(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    struct Refused: Error, Equatable { let number: Int }

    @Test("Each caller's rows are kept or rolled back alone; answers come after the commit; fewer commits than writes")
    func batches() async throws {
        try await TestDatabase.withPool("CREATE TABLE row (number INTEGER PRIMARY KEY)") { (pool: DatabasePool) async throws in
            let commits = Commits()
            pool.add(transactionObserver: commits)
            let batches = SQLiteWriteBatches(pool: pool)

            let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
                for number in 0..<400 {
                    group.addTask {
                        do {
                            let value = try await batches.write { db in
                                try db.execute(sql: "INSERT INTO row (number) VALUES (?)", arguments: [number])
                                // Every seventh fails after its insert: its row must go, the others' stay.
                                if number % 7 == 0 { throw Refused(number: number) }
                                return number * 2
                            }
                            return (number, .success(value))
                        } catch {
                            return (number, .failure(error as! Refused))
                        }
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for number in 0..<400 {
                #expect(outcomes[number] == (number % 7 == 0 ? .failure(Refused(number: number)) : .success(number * 2)))
            }
            let kept = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT number FROM row ORDER BY number") }
            #expect(kept == (0..<400).filter { $0 % 7 != 0 })
            let count = commits.count.withLock { $0 }
            #expect(count < 400, "\(count) commits for 400 writes")
        }
    }

    @Test("Batches in which no caller fails run without savepoints; one that fails is run again with them")
    func savepointsOnlyAfterAFailure() async throws {
        try await TestDatabase.withPool("CREATE TABLE row (number INTEGER PRIMARY KEY)") { (pool: DatabasePool) async throws in
            let savepoints = Mutex(0)
            try await pool.writeWithoutTransaction { db in
                db.trace { event in
                    if case .statement(let statement) = event, statement.sql.hasPrefix("SAVEPOINT") {
                        savepoints.withLock { $0 += 1 }
                    }
                }
            }
            let batches = SQLiteWriteBatches(pool: pool)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<200 {
                    group.addTask { try await batches.write { db in try db.execute(sql: "INSERT INTO row VALUES (?)", arguments: [number]) } }
                }
                try await group.waitForAll()
            }
            #expect(savepoints.withLock { $0 } == 0)

            // A duplicate key fails one caller; the batch is run again, each caller in a savepoint.
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for number in [200, 201, 0, 202] {
                    group.addTask {
                        (try? await batches.write { db in try db.execute(sql: "INSERT INTO row VALUES (?)", arguments: [number]) }) != nil
                    }
                }
                return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(outcomes == 3)
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM row") } == 203)
            #expect(savepoints.withLock { $0 } > 0)
        }
    }

    @Test("A failed commit fails every caller in its batch, and later writes go on")
    func failedCommit() async throws {
        // A deferred foreign key is checked at the commit: a row that breaks it fails the commit.
        let schema = """
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """
        try await TestDatabase.withPool(schema) { (pool: DatabasePool) async throws in
            let batches = SQLiteWriteBatches(pool: pool)
            await #expect(throws: DatabaseError.self) {
                try await batches.write { db in try db.execute(sql: "INSERT INTO child (id, parent) VALUES (1, 99)") }
            }
            #expect(try await batches.write { db in try db.execute(sql: "INSERT INTO parent (id) VALUES (1)") } == ())
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child") } == 0)
            #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM parent") } == 1)
        }
    }
}
