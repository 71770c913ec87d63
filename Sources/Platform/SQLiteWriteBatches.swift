import GRDB
import Synchronization

/// Writes that arrive while another is being committed wait and then share one transaction, each
/// in its own savepoint. A commit writes every page it changed to the WAL, and concurrent sends
/// change the same table and index pages: sharing the commit writes those once per batch, not
/// once per document, and makes one trip to the writer's queue instead of one each.
///
/// Each caller gets its own outcome (its savepoint rolls back alone when its work throws), and
/// only after the batch's commit: nothing is acknowledged that is not durable. When the commit
/// fails, every caller in the batch gets the error.
final class SQLiteWriteBatches: Sendable {
    private let pool: DatabasePool
    private let state = Mutex(State())

    private struct State {
        var waiting: [Job] = []
        var committing = false
    }

    /// One caller's work: `run` executes it in the batch's transaction and returns how to answer
    /// the caller once the batch is committed; `fail` answers when the batch is not.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    do {
                        // A statement that failed badly can end the transaction: what follows
                        // would then commit on its own, outside the batch.
                        guard db.isInsideTransaction else { throw DatabaseError(resultCode: .SQLITE_ABORT) }
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        let result = value!
                        return { continuation.resume(returning: result) }
                    } catch {
                        return { continuation.resume(throwing: error) }
                    }
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
                let answers = try await pool.write { db in batch.map { $0.run(db) } }
                for answer in answers { answer() }
            } catch {
                for job in batch { job.fail(error) }
            }
        }
    }
}
