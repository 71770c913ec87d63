import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Loopback ports for the servers tests start, each handed out once per test process, below the
/// range the system takes client ports from (32768–60999 on Linux), so that no test server finds
/// its port taken by another test's server or by an outgoing connection.
public enum TestPorts {
    private static let next = Mutex(Int.random(in: 20_000..<26_000))

    /// A port no test of this process has had and nothing listens on now: another test process
    /// (a second `swift test`, a CI run beside a local one) or a server left over from a run that
    /// crashed may listen on one of ours, and a test server that cannot bind it would find the
    /// other one answering in its place (mails delivered into another run's maildir).
    public static func take() -> Int {
        while true {
            let port = next.withLock { port in
                port = port + 1 < 32_000 ? port + 1 : 20_000
                return port
            }
            if !accepts(port) { return port }
        }
    }

    /// Waits, up to 10 s, until a server a test started (`what`) accepts connections on
    /// 127.0.0.1:`port`.
    public static func waitUntilListening(_ port: Int, what: String) async throws {
        for _ in 0..<100 {
            if accepts(port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(what) did not start on port \(port)"])
    }

    private static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A loopback port that refuses every connection for as long as this value lives: bound but
/// never listening, so no other test's server can take it in the meantime (a port that was free a
/// moment ago may not be by the time a client tries it).
public final class RefusingPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                descriptor >= 0 && bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            if descriptor >= 0 { close(descriptor) }
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
