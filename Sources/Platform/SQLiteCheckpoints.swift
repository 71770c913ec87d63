import Dispatch
import GRDB
import GRDBSQLite  // sqlite3_wal_hook, which GRDB does not wrap
import Synchronization

/// WAL checkpoints off the commit path.
///
/// SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages: that
/// commit copies the pages into the database file and waits for two `fsync`s, and every write
/// queued behind it waits too. Under a steady stream of sends the cores sat 7–12 % idle in those
/// stalls. Here a commit that has added another ``backgroundStep`` pages asks a connection of
/// this object's own, on a thread of its own, for a passive checkpoint, which never blocks the
/// writer or the readers.
///
/// SQLite starts the WAL over from its beginning only when a write begins after everything in it
/// was copied, and under a steady stream a commit nearly always lands in between (a test saw the
/// WAL pass 900 pages with a limit of 200). So a commit that finds the WAL past ``writerLimit``
/// pages waits for a background round in progress and checkpoints in place, as SQLite itself
/// would; by then only the pages since the last round are left to copy, and the next write starts
/// the WAL over (or a later one, once readers of its old pages are done). Durability is
/// unchanged: a commit is in the WAL before it returns, checkpointed or not.
final class SQLiteCheckpoints: Sendable {
    /// New pages in the WAL that start a background round (SQLite's own automatic threshold
    /// by default).
    let backgroundStep: Int
    /// Pages in the WAL at which the writer checkpoints itself (by default 32 MiB with 4 KiB
    /// pages).
    let writerLimit: Int

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "efactuur.sqlite-checkpoints")
    private let state = Mutex(State())

    private struct State {
        /// The WAL's size, in pages, when the last round was asked for.
        var requestedAt = 0
        var running = false
        /// Asked for again while a round ran.
        var again = false
    }

    init(path: String, synchronous: String, backgroundStep: Int = 1_000, writerLimit: Int = 8_000) throws {
        self.backgroundStep = backgroundStep
        self.writerLimit = writerLimit
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Takes over the checkpoints of `writer`'s commits (this replaces SQLite's automatic
    /// checkpoint on that connection). Undo with ``stopWatching(_:)`` before this object goes.
    func watch(_ writer: Database) {
        sqlite3_wal_hook(
            writer.sqliteConnection,
            { context, connection, schema, pages in
                Unmanaged<SQLiteCheckpoints>.fromOpaque(context!).takeUnretainedValue()
                    .committed(connection, schema, pages: Int(pages))
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    func stopWatching(_ writer: Database) {
        sqlite3_wal_hook(writer.sqliteConnection, nil, nil)
    }

    /// After each commit of the watched connection, with the WAL's size in pages.
    private func committed(_ connection: OpaquePointer?, _ schema: UnsafePointer<CChar>?, pages: Int) {
        if pages >= writerLimit {
            // A background round holds the checkpoint lock, and a passive checkpoint does not
            // wait for it: wait here, so this one copies what is left and the WAL can start over.
            queue.sync {}
            sqlite3_wal_checkpoint_v2(connection, schema, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        let starts = state.withLock { state in
            if pages < state.requestedAt { state.requestedAt = 0 }  // the WAL started over
            guard pages - state.requestedAt >= backgroundStep else { return false }
            state.requestedAt = pages
            if state.running {
                state.again = true
                return false
            }
            state.running = true
            return true
        }
        if starts { queue.async { self.checkpointWhileAsked() } }
    }

    private func checkpointWhileAsked() {
        repeat {
            // A round that fails (the disk full, say) leaves the pages in the WAL for the next.
            _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        } while state.withLock { state in
            if state.again {
                state.again = false
                return true
            }
            state.running = false
            return false
        }
    }
}
