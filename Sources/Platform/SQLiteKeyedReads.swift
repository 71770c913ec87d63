import GRDB
import Synchronization

/// Read-only connections for short reads by key (a token, an organisation), made on the calling
/// thread and outside a transaction.
///
/// GRDB's `DatabasePool.read` wraps each read in BEGIN and COMMIT and asks SQLite for the schema
/// version first: three statements around a one-row lookup, and together with the pool's queue
/// hand-offs they cost more than the query. A single SELECT is already consistent on its own in
/// SQLite (it reads one snapshot of the WAL), so a read here must be one statement.
///
/// A connection is taken for the length of one call and never held across an `await`, so there
/// are at most as many as threads that read at once; an idle one is reused.
final class SQLiteKeyedReads: Sendable {
    private let path: String
    private let idle = Mutex<[DatabaseQueue]>([])

    init(path: String) {
        self.path = path
    }

    /// Runs `value` on an idle connection (opened when there is none) on the calling thread.
    func read<T>(_ value: (Database) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? open()
        defer { idle.withLock { $0.append(connection) } }
        return try connection.inDatabase(value)
    }

    private func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
