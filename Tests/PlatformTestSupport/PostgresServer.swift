import EInvoiceTestSupport
import Foundation

/// A real PostgreSQL server for the tests: a new cluster in a temporary folder (initdb), started on
/// a free loopback port once per test process, and stopped and removed by a watchdog when the
/// test process ends. Each test gets a database of its own.
///
/// Needs PostgreSQL's server programs (`apt-get install postgresql`; `.ci/run` installs them). As
/// root the server runs as the `postgres` user, which PostgreSQL requires.
public final class PostgresServer: Sendable {
    public let port: Int
    public let user = "efactuur"
    let bin: String
    let directory: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The server of this test process, started on first use.
    public static func shared() throws -> PostgresServer {
        try started.get()
    }

    private static let started: Result<PostgresServer, Failure> = Result { try PostgresServer() }
        .mapError { $0 as? Failure ?? Failure(description: "\($0)") }

    private init() throws {
        guard let version = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last
        else { throw Failure(description: "no PostgreSQL server programs in /usr/lib/postgresql (apt-get install postgresql)") }
        bin = "/usr/lib/postgresql/\(version)/bin"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("efactuur-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        let log = "\(directory)/commands.log"
        try Self.run(
            asServerUser: true, log: log, "\(bin)/initdb", "-D", "\(directory)/data", "-U", user, "-A", "trust", "--no-sync", "-E", "UTF8",
            "--locale=C")
        var port = 0
        for _ in 0..<5 {
            let candidate = TestPorts.take()
            let started: Void? = try? Self.run(
                asServerUser: true, log: log, "\(bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-o",
                "-p \(candidate) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400", "start")
            if started != nil {
                port = candidate
                break
            }
        }
        guard port > 0 else { throw Failure(description: "the PostgreSQL server did not start; see \(directory)/server.log") }
        self.port = port
        // Stops the server once this test process is gone, however it ends.
        let stop = Self.asServerUser ? "runuser -u postgres -- \(bin)/pg_ctl" : "\(bin)/pg_ctl"
        try Watchdog.whenThisProcessEnds(run: "\(stop) -D '\(directory)/data' -m immediate stop >/dev/null 2>&1; rm -rf '\(directory)'")
    }

    /// A new, empty database; its `postgres://` URL.
    /// `createdb` is waited for on a thread of its own: waited for on one of Swift's few pool
    /// threads, it held up every other test of the process, and in a full parallel run other
    /// tests' PostgreSQL sessions then missed their 30 s.
    public func makeDatabase() async throws -> String {
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let (bin, directory, port, user) = (bin, directory, port, user)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                continuation.resume(
                    with: Result {
                        try Self.run(
                            asServerUser: false, log: "\(directory)/commands.log", "\(bin)/createdb", "-h", "127.0.0.1", "-p", String(port),
                            "-U", user, name)
                    })
            }.start()
        }
        return "postgres://\(user)@127.0.0.1:\(port)/\(name)"
    }

    private static var asServerUser: Bool { getuid() == 0 }

    /// Runs a program to its end with posix_spawn and waitpid (Foundation's Process can miss the
    /// end of a child that started a daemon), its output in `commands.log` beside the cluster.
    private static func run(asServerUser serverUser: Bool, log: String, _ arguments: String...) throws {
        let argv = serverUser && asServerUser ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start \(argv[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\(arguments.joined(separator: " ")) failed: \(output.suffix(2000))")
        }
    }
}
