import Synchronization

/// Loopback ports for the servers tests start, each handed out once per test process, below the
/// range the system takes client ports from (32768–60999 on Linux), so that no test server finds
/// its port taken by another test's server or by an outgoing connection.
public enum TestPorts {
    private static let next = Mutex(Int.random(in: 20_000..<26_000))

    public static func take() -> Int {
        next.withLock { port in
            port += 1
            return port
        }
    }
}
