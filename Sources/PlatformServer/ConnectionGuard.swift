import HTTPTypes
import HardenedXML
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes
import PlatformPortal
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What one client may hold of the server: how long, how many connections, how much memory.
/// Everything a request supplies is hostile, so each resource an attacker could pile up has a bound.
public struct ServerLimits: Sendable {
    /// A connection without a complete request head, or idle between requests, is closed after this.
    public var idleTimeout: Duration
    /// A request body must arrive at least this fast (bytes a second) once `uploadGrace` has passed;
    /// a body that stalls (a Content-Length larger than what is sent) is closed at the latest then.
    public var minimumUploadRate: Int
    public var uploadGrace: Duration
    /// Open connections beyond this are answered `503` with `Connection: close` at once.
    public var maxConnections: Int
    /// The largest request accepted: by default a document of the largest size accepted
    /// (`XMLReader.Limits().maxBytes`, 100 MiB, attachments included) and its envelope.
    public var maxRequestBytes: Int
    /// Request bodies held in memory at once, over all connections; a body that would exceed it is
    /// refused with `503` instead of waiting.
    public var bodyBudget: Int

    public init(
        idleTimeout: Duration = .seconds(20), minimumUploadRate: Int = 16 * 1024, uploadGrace: Duration = .seconds(5),
        maxConnections: Int = 512, maxRequestBytes: Int = XMLReader.Limits().maxBytes + envelopeAllowance,
        bodyBudget: Int = 256 * 1024 * 1024
    ) {
        self.idleTimeout = idleTimeout
        self.minimumUploadRate = minimumUploadRate
        self.uploadGrace = uploadGrace
        self.maxConnections = maxConnections
        self.maxRequestBytes = maxRequestBytes
        self.bodyBudget = bodyBudget
    }
}

extension ServerLimits {
    /// What a SOAP envelope may add around the largest document.
    public static let envelopeAllowance = 1024 * 1024

    /// `wanted`, or fewer when the process may not open that many files: the descriptor limit is
    /// raised to its hard maximum first, and a reserve is kept for the database, logs and mail.
    public static func connectionsWithinDescriptorLimit(_ wanted: Int) -> Int {
        #if os(Linux)
            let files = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let files = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(files, &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(files, &limit)
            _ = getrlimit(files, &limit)
        }
        // The accept cap is the connection cap + 64; 64 more stay for everything else.
        return max(1, min(wanted, Int(clamping: limit.rlim_cur) - 128))
    }
}

/// Counts the server's open connections.
final class ConnectionCount: Sendable {
    private let open = Atomic<Int>(0)
    private let gauge = Gauge(label: "efactuur_open_connections")

    /// Counts one more; false (and not counted) when `limit` are open already.
    func admit(limit: Int) -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = open.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                gauge.record(current + 1)
                return true
            }
            current = original
        }
        return false
    }

    func release() { gauge.record(open.subtract(1, ordering: .relaxed).newValue) }
}

/// Bytes of request bodies held in memory, over all connections.
final class BodyBudget: Sendable {
    private let used = Mutex(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget; false when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard bytes <= limit - used else { return false }
            used += bytes
            return true
        }
    }

    func release(_ bytes: Int) { used.withLock { $0 -= bytes } }
}

/// One per connection, behind the HTTP decoder: refuses a connection beyond the cap with `503`,
/// closes one whose request body arrives slower than the minimum rate, and closes the connection
/// after a response that says `Connection: close` (a refused body is not read to its end).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ServerLimits
    private let connections: ConnectionCount
    private var counted = false
    /// When the current request's head arrived and how many body bytes came since.
    private var uploadStart: NIODeadline?
    private var received = 0
    private var check: Scheduled<Void>?
    /// The response being written says `Connection: close`.
    private var closing = false
    /// After a refusal: the answer is out and the output shut, and what the client still sends is
    /// read and dropped for a moment, so its kernel does not reset the connection (and discard the
    /// answer) before the client has read it.
    private var lingering = false

    init(limits: ServerLimits, connections: ConnectionCount) {
        self.limits = limits
        self.connections = connections
    }

    func channelActive(context: ChannelHandlerContext) {
        if connections.admit(limit: limits.maxConnections) {
            counted = true
            context.fireChannelActive()
            return
        }
        // Refused before any request: the client learns why and when to come back.
        let head = HTTPResponse(
            status: .serviceUnavailable,
            headerFields: [.connection: "close", .contentLength: "0", .retryAfter: "1"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            self.linger(context: context)
        }
    }

    /// Shuts the output after a final answer and closes for good a moment later.
    private func linger(context: ChannelHandlerContext) {
        lingering = true
        context.close(mode: .output, promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { context.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            closing = head.headerFields[.connection]?.lowercased() == "close"
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard closing else { return context.write(data, promise: promise) }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            written.futureResult.assumeIsolated().whenComplete { _ in self.linger(context: context) }
            context.write(data, promise: written)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            connections.release()
        }
        check?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard counted, !lingering else { return }  // a refused connection's request is dropped
        switch unwrapInboundIn(data) {
        case .head(let request):
            uploadStart = .now()
            received = 0
            scheduleCheck(context: context)
            // A client that asks first (curl for bodies over 1 MiB, .NET's HttpWebRequest for
            // every POST) would otherwise wait a second or more before sending the body. A body
            // declared too large is not invited: the endpoint answers 413 straight away.
            if request.headerFields[.expect]?.lowercased() == "100-continue",
                (request.headerFields[.contentLength].flatMap { Int($0) } ?? 0) <= limits.maxRequestBytes
            {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        case .body(let buffer):
            received += buffer.readableBytes
        case .end:
            uploadStart = nil
            check?.cancel()
        }
        context.fireChannelRead(data)
    }

    /// Once a second while a body is arriving: after the grace period, fewer bytes than the
    /// minimum rate allows since the grace ended close the connection.
    private func scheduleCheck(context: ChannelHandlerContext) {
        check?.cancel()
        check = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in
            guard let start = uploadStart else { return }
            let late = (NIODeadline.now() - start) - limits.uploadGrace.timeAmount
            if late > .zero && Int64(received) < Int64(limits.minimumUploadRate) * late.nanoseconds / 1_000_000_000 {
                context.close(promise: nil)
            } else {
                scheduleCheck(context: context)
            }
        }
    }
}

/// A request context that knows the client's address, for the login throttle.
public struct PlatformRequestContext: PortalRequestContext {
    public var coreContext: CoreRequestContextStorage
    private let channel: any Channel
    /// Filled in by the endpoint, read by the request log.
    public let outcome = RequestOutcome()

    /// Set by ``ForwardedClientMiddleware`` when a trusted proxy passed the request on.
    var forwardedClient: String?
    var forwardedOverTLS = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The peer's IP address, without the port.
    var peerAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }

    /// The client's IP address, without the port: the peer's, or the one a trusted proxy in front
    /// of `serve` reports.
    public var clientAddress: String { forwardedClient ?? peerAddress }

    /// Whether the client reached the platform over TLS: through a trusted proxy that says so.
    public var overTLS: Bool { forwardedOverTLS }
}

/// The reverse proxies in front of `serve` (by IP address) whose `X-Forwarded-For` and
/// `X-Forwarded-Proto` are believed, and whether the public address is `https`. Anyone else's
/// forwarding headers are ignored: a client could otherwise pick the address the sign-in
/// throttle counts it under.
public struct ProxyPolicy: Sendable {
    public var trusted: Set<String>
    /// People reach the platform at an `https` address, so its cookies are always `Secure`.
    public var publicURLIsHTTPS: Bool

    public init(trusted: [String] = [], publicURL: String? = nil) {
        self.trusted = Set(trusted.map(Self.normalized))
        self.publicURLIsHTTPS = publicURL?.lowercased().hasPrefix("https://") ?? false
    }

    /// The client behind the peer: the last address in `X-Forwarded-For` that is not one of our
    /// proxies (each proxy appends the address it was reached from; what comes before that is the
    /// client's own say). Nil when the peer is no trusted proxy or the header names no address.
    func client(peer: String, forwardedFor: String?) -> String? {
        guard trusted.contains(Self.normalized(peer)), let forwardedFor else { return nil }
        for hop in forwardedFor.split(separator: ",").reversed() {
            let address = Self.normalized(hop.trimmingCharacters(in: .whitespaces))
            if trusted.contains(address) { continue }
            return Self.isIPAddress(address) ? address : nil
        }
        return nil
    }

    func overTLS(peer: String, forwardedProto: String?) -> Bool {
        publicURLIsHTTPS || (trusted.contains(Self.normalized(peer)) && forwardedProto?.lowercased() == "https")
    }

    /// One spelling per address: brackets gone, an IPv4 address mapped into IPv6 as IPv4, IPv6
    /// as NIO writes it; anything else as it was.
    static func normalized(_ text: String) -> String {
        var text = text
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") { text = String(text[text.index(after: text.startIndex)..<end]) }
        if text.lowercased().hasPrefix("::ffff:"), isIPAddress(String(text.dropFirst(7))), !text.dropFirst(7).contains(":") {
            return String(text.dropFirst(7))
        }
        return (try? SocketAddress(ipAddress: text, port: 0).ipAddress) ?? nil ?? text
    }

    public static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}

/// Applies the ``ProxyPolicy`` to each request before anything reads the client's address.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = PlatformRequestContext
    let policy: ProxyPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.peerAddress
        context.forwardedClient = policy.client(peer: peer, forwardedFor: request.headers[HTTPField.Name("X-Forwarded-For")!])
        context.forwardedOverTLS = policy.overTLS(peer: peer, forwardedProto: request.headers[HTTPField.Name("X-Forwarded-Proto")!])
        return try await next(request, context)
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
