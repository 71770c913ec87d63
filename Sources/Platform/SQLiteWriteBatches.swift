import GRDB
import Synchronization

/// Writes that arrive while another is being committed wait and then share one transaction. A
/// commit writes every page it changed to the WAL, and concurrent sends change the same table and
/// index pages: sharing the commit writes those once per batch, not once per document, and makes
/// one trip to the writer's queue instead of one each.
///
/// Each caller gets its own outcome, and only after the batch's commit: nothing is acknowledged
/// that is not durable. A batch first runs its callers' work one after the other; when one throws,
/// the batch is rolled back and run again with each caller's work in a savepoint of its own, so
/// that one rolls back alone. (Savepoints on every write cost ~5 % of the server's CPU under load:
/// SQLite keeps a copy of each page a savepoint changes, and past 64 KiB in a temporary file.)
/// When the commit fails, every caller in the batch gets the error.
final class SQLiteWriteBatches: Sendable {
    private let pool: DatabasePool
    private let state = Mutex(State())

    private struct State {
        var waiting: [Job] = []
        var committing = false
    }

    /// One caller's work: `run` executes it in the batch's transaction and returns how to answer
    /// the caller once the batch is committed; `fail` answers when it or the batch fails.
    private struct Job: Sendable {
        let run: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in a transaction shared with the writes waiting beside it. `work` may run twice
    /// (see above), so it must do nothing but read and write the database.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    let value = try work(db)
                    return { continuation.resume(returning: value) }
                },
                fail: { continuation.resume(throwing: $0) })
            let startsCommitting = state.withLock { state in
                state.waiting.append(job)
                let idle = !state.committing
                state.committing = true
                return idle
            }
            if startsCommitting { Task { await self.commitWaiting() } }
        }
    }

    /// Commits what is waiting, batch after batch, until nothing is.
    private func commitWaiting() async {
        while true {
            let batch = state.withLock { state in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.committing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let answers = try await pool.writeWithoutTransaction { db in
                    try SQLiteWriteBatches.together(batch, db) ?? SQLiteWriteBatches.apart(batch, db)
                }
                for answer in answers { answer() }
            } catch {
                for job in batch { job.fail(error) }
            }
        }
    }

    /// Runs every job in one transaction and commits it; nil (rolled back) when a job threw.
    private static func together(_ batch: [Job], _ db: Database) throws -> [@Sendable () -> Void]? {
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(batch.count)
        var jobFailed = false
        do {
            try db.inTransaction {
                for job in batch {
                    try inBatch(db) {
                        do {
                            answers.append(try job.run(db))
                        } catch {
                            jobFailed = true
                            throw error
                        }
                    }
                }
                return .commit
            }
        } catch  where jobFailed {
            return nil
        }
        return answers
    }

    /// Runs each job in a savepoint of its own, in one transaction, and commits it.
    private static func apart(_ batch: [Job], _ db: Database) throws -> [@Sendable () -> Void] {
        var answers: [@Sendable () -> Void] = []
        answers.reserveCapacity(batch.count)
        try db.inTransaction {
            for job in batch {
                do {
                    try inBatch(db) {
                        try db.inSavepoint {
                            answers.append(try job.run(db))
                            return .commit
                        }
                    }
                } catch {
                    answers.append { job.fail(error) }
                }
            }
            return .commit
        }
        return answers
    }

    /// A statement that failed badly can end the transaction: what follows would then commit on
    /// its own, outside the batch.
    private static func inBatch(_ db: Database, _ body: () throws -> Void) throws {
        guard db.isInsideTransaction else { throw DatabaseError(resultCode: .SQLITE_ABORT) }
        try body()
    }
}
