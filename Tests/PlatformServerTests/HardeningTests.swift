import EConnectWire
import Foundation
import Logging
import PlatformServer
import PlatformTestSupport
import Synchronization
import Testing

@testable import Platform

/// A client as an attacker writes one: raw bytes over TCP to the real server on loopback.
final class RawConnection: @unchecked Sendable {  // one test task uses it at a time
    let socket: Int32

    init(port: Int) throws {
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CocoaError(.fileReadUnknown) }
    }

    deinit { close(socket) }

    /// Sends all of `text`; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if result <= 0 { return false }
            sent += result
        }
        return true
    }

    /// What the server sends until it closes the connection, `enough` says the text is complete,
    /// or `timeout` passes; `closed` says whether it closed. The wait blocks a thread of its own:
    /// the server under test runs in this process, and a blocked thread of the concurrency pool
    /// would hold up its handlers.
    func receive(
        timeout: Duration, until enough: @escaping @Sendable (String) -> Bool = { _ in false }
    ) async
        -> (text: String, closed: Bool)
    {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.blockingReceive(timeout: timeout, until: enough))
            }
        }
    }

    private func blockingReceive(timeout: Duration, until enough: (String) -> Bool) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let remaining = deadline - ContinuousClock.now
            let milliseconds = Int32(max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[..<count]
            if enough(String(decoding: received, as: UTF8.self)) { return (String(decoding: received, as: UTF8.self), false) }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

@Suite("Hardening: slow clients, connection caps, oversized bodies, logins", .timeLimit(.minutes(10)))
struct HardeningTests {
    /// The real application, as `efactuur serve` runs it, with tight limits so a test takes seconds.
    func withServer(
        _ limits: ServerLimits, _ body: @Sendable (_ port: Int, _ fixture: PlatformFixture) async throws -> Void
    ) async throws {
        let fixture = try await PlatformFixture.make()
        let service = fixture.service
        try await serving({ PlatformHTTPServer.makeApplication(service: service, port: 0, limits: limits, onListening: $0) }) { url in
            try await body(url.port!, fixture)
        }
    }

    static let quick = ServerLimits(
        idleTimeout: .seconds(1), minimumUploadRate: 1_000, uploadGrace: .seconds(1), maxConnections: 8,
        maxRequestBytes: 64 * 1024, bodyBudget: 256 * 1024)

    @Test("A connection that never completes its request head is closed at the idle timeout, however slowly it trickles")
    func slowHeaders() async throws {
        try await withServer(Self.quick) { port, _ in
            let silent = try RawConnection(port: port)
            let trickling = try RawConnection(port: port)
            trickling.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\n")
            let started = ContinuousClock.now
            var stillOpen = true
            while stillOpen && ContinuousClock.now - started < .seconds(10) {
                stillOpen = trickling.send("X")
                try await Task.sleep(for: .milliseconds(200))
            }
            if stillOpen { #expect(await trickling.receive(timeout: .milliseconds(500)).closed) }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(await silent.receive(timeout: .seconds(10)).closed)
        }
    }

    @Test("A body shorter than its Content-Length is closed once it falls behind the minimum rate")
    func stalledBody() async throws {
        try await withServer(Self.quick) { port, _ in
            let connection = try RawConnection(port: port)
            connection.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n<soap:Envelope")
            let started = ContinuousClock.now
            #expect(await connection.receive(timeout: .seconds(10)).closed)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test("Beyond the connection cap the server answers 503 with Connection: close, and serves again once below it")
    func connectionCap() async throws {
        var limits = Self.quick
        limits.idleTimeout = .seconds(30)
        let maxConnections = limits.maxConnections
        try await withServer(limits) { port, _ in
            var held: [RawConnection] = []
            for _ in 0..<maxConnections {
                let connection = try RawConnection(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(await connection.receive(timeout: .seconds(10), until: { $0.contains("\r\n\r\nok") }).text.contains("ok"))
                held.append(connection)
            }
            let refused = try RawConnection(port: port)
            let answer = await refused.receive(timeout: .seconds(10))
            #expect(answer.text.hasPrefix("HTTP/1.1 503"), "\(answer.text)")
            #expect(answer.text.lowercased().contains("connection: close"))
            #expect(answer.closed)
            held.removeAll()
            try await Task.sleep(for: .milliseconds(300))
            let later = try RawConnection(port: port)
            later.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await later.receive(timeout: .seconds(10), until: { $0.contains("\r\n\r\nok") }).text.contains("ok"))
        }
    }

    @Test("A client that sends Expect: 100-continue is invited at once; one that declares too large a body is refused instead")
    func expectContinue() async throws {
        var limits = Self.quick
        // The greedy client never sends its body: neither the idle timeout nor the upload rate is
        // what this test is about (on a loaded machine the rate check could close it first).
        limits.idleTimeout = .seconds(30)
        limits.minimumUploadRate = 1
        limits.uploadGrace = .seconds(30)
        try await withServer(limits) { port, _ in
            let body = "<a/>"
            let polite = try RawConnection(port: port)
            polite.send(
                "POST /soap/v3 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            let invited = await polite.receive(timeout: .seconds(10), until: { $0.contains("\r\n\r\n") })
            #expect(invited.text.hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(invited.text)")
            polite.send(body)
            let answer = await polite.receive(timeout: .seconds(10), until: { $0.contains("</soap:Envelope>") })
            #expect(answer.text.contains("ERRIER8000006"), "\(answer.text)")  // not a SOAP envelope: a fault, after the body

            let greedy = try RawConnection(port: port)
            greedy.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\n\r\n")
            let refused = await greedy.receive(timeout: .seconds(10))
            #expect(refused.text.hasPrefix("HTTP/1.1 413"), "\(refused.text)")
            #expect(!refused.text.contains("100 Continue"))
        }
    }

    @Test("An oversized body is refused with 413 and the connection closed; a bad chunk size is a 400")
    func oversizedAndMalformedBodies() async throws {
        var limits = Self.quick
        // The bodies stall after their first bytes on purpose: neither the idle timeout nor the
        // upload rate is what this test is about.
        limits.idleTimeout = .seconds(30)
        limits.minimumUploadRate = 1
        limits.uploadGrace = .seconds(30)
        try await withServer(limits) { port, _ in
            let declared = try RawConnection(port: port)
            declared.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n<a>")
            let declaredAnswer = await declared.receive(timeout: .seconds(10))
            #expect(declaredAnswer.text.hasPrefix("HTTP/1.1 413"), "\(declaredAnswer.text)")
            #expect(declaredAnswer.text.contains("ERRIER8000006"))
            #expect(declaredAnswer.closed)

            let chunked = try RawConnection(port: port)
            chunked.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = String(repeating: "x", count: 16 * 1024)
            for _ in 0..<5 { chunked.send(String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n") }
            let chunkedAnswer = await chunked.receive(timeout: .seconds(10))
            #expect(chunkedAnswer.text.hasPrefix("HTTP/1.1 413"), "\(chunkedAnswer.text)")
            #expect(chunkedAnswer.closed)

            let malformed = try RawConnection(port: port)
            malformed.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n")
            let malformedAnswer = await malformed.receive(timeout: .seconds(10))
            #expect(malformedAnswer.text.hasPrefix("HTTP/1.1 400"), "\(malformedAnswer.text)")
        }
    }

    @Test("Bodies held at once share a budget: past it a request is refused with 503 instead of waiting")
    func bodyBudget() async throws {
        var limits = Self.quick
        limits.maxRequestBytes = 200 * 1024
        limits.bodyBudget = 300 * 1024
        limits.minimumUploadRate = 1
        limits.uploadGrace = .seconds(30)
        limits.idleTimeout = .seconds(30)
        try await withServer(limits) { port, _ in
            let part = String(repeating: "x", count: 180 * 1024)
            let first = try RawConnection(port: port)
            first.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nContent-Length: \(part.utf8.count + 10)\r\n\r\n" + part)
            try await Task.sleep(for: .milliseconds(300))
            let second = try RawConnection(port: port)
            second.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nContent-Length: \(part.utf8.count)\r\n\r\n" + part)
            let answer = await second.receive(timeout: .seconds(10))
            #expect(answer.text.hasPrefix("HTTP/1.1 503"), "\(answer.text)")
            #expect(answer.text.contains("ERRSRV5030001"))
            // The first finishes (a fault: it is not XML) and gives its share back.
            first.send("0123456789")
            #expect(await first.receive(timeout: .seconds(10), until: { $0.contains("</soap:Envelope>") }).text.contains("ERRIER8000006"))
            let third = try RawConnection(port: port)
            third.send("POST /soap/v3 HTTP/1.1\r\nHost: x\r\nContent-Length: \(part.utf8.count)\r\n\r\n" + part)
            #expect(await third.receive(timeout: .seconds(10), until: { $0.contains("</soap:Envelope>") }).text.contains("ERRIER8000006"))
        }
    }
}

/// Collects log messages in memory, to check what is logged (and what never is): one line each,
/// `level message key=value …`, the logger's metadata and the message's together.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    func handler(label: String) -> any LogHandler { Handler(log: self) }
    var logger: Logger { Logger(label: "test", factory: handler) }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
        }
    }
}

@Suite("Logins: throttled, logged, tokens purged")
struct LoginTests {
    @Test("Failed logins are throttled per key and address with a fault that says how long to wait, and logged without the secret")
    func throttled() async throws {
        let log = CapturedLog()
        let fixture = try await PlatformFixture.make()
        let service = PlatformService(
            store: fixture.service.store,
            configuration: .init(logger: Logger(label: "test", factory: log.handler)),
            clock: { fixture.clock.read() })
        let key = fixture.supplier.appKey
        for _ in 0..<5 {
            await #expect(throws: PlatformError.invalidCredentials) {
                try await service.login(appKey: key, secret: "wrong-secret", clientAddress: "192.0.2.1")
            }
        }
        // The sixth from that address is not even checked, the right secret included.
        await #expect(throws: PlatformError.tooManyFailedLogins(retryAfter: 60)) {
            try await service.login(appKey: key, secret: fixture.supplier.secret, clientAddress: "192.0.2.1")
        }
        // The owner, elsewhere, is not locked out; the attacker may try again after the wait.
        _ = try await service.login(appKey: key, secret: fixture.supplier.secret, clientAddress: "198.51.100.7")
        fixture.clock.advance(61)
        _ = try await service.login(appKey: key, secret: fixture.supplier.secret, clientAddress: "192.0.2.1")

        let lines = log.lines.withLock { $0 }
        #expect(lines.filter { $0.contains("login failed") && $0.contains("address=192.0.2.1") }.count == 5)
        #expect(lines.contains { $0.contains("too many failures") })
        #expect(!lines.contains { $0.contains("wrong-secret") || $0.contains(fixture.supplier.secret) })
    }

    @Test("Over HTTP the throttled login is a fault with its own code, and one address cannot try keys without end")
    func throttledOverHTTP() async throws {
        let fixture = try await PlatformFixture.make()
        try await fixture.withServer { soap in
            var codes: [String] = []
            for attempt in 0..<25 {
                let answer = try await soap.call(
                    "Login", "<ConsumerKey>key-\(attempt)</ConsumerKey><ConsumerSecret>x</ConsumerSecret>")
                codes.append(answer.fault?.code.rawValue ?? "")
            }
            #expect(codes.prefix(20).allSatisfy { $0 == "ERRIAU6000007" })
            #expect(codes.suffix(5).allSatisfy { $0 == "ERRIAU4290001" })
        }
    }

    @Test("Expired security tokens are deleted")
    func purge() async throws {
        let fixture = try await PlatformFixture.make(tokenLifetime: 60)
        for _ in 0..<3 { _ = try await fixture.service.login(appKey: fixture.supplier.appKey, secret: fixture.supplier.secret) }
        #expect(try await fixture.service.purgeExpiredTokens() == 0)
        fixture.clock.advance(61)
        let fresh = try await fixture.service.login(appKey: fixture.supplier.appKey, secret: fixture.supplier.secret)
        #expect(try await fixture.service.purgeExpiredTokens() == 3)
        _ = try await fixture.service.session(token: fresh)
    }
}
