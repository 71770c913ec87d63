import Foundation
import Hummingbird
import Logging
import Metrics
import Platform
import Prometheus
import Synchronization

/// What the platform counts and measures, in Prometheus' text format at `/metrics`. The
/// metrics system is set up once per process, the first time a server is made.
public enum PlatformMetrics {
    /// The registry `/metrics` shows.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusMetricsFactory.defaultRegistry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests take milliseconds; validation and commits less.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// What one request came to, filled in by the endpoint that answered it and read by
/// ``RequestLogMiddleware`` once the answer is made.
public final class RequestOutcome: Sendable {
    struct State {
        var operation: String?
        var faultCode: String?
    }
    private let state = Mutex(State())
    /// Short and random: it ties a log line to what the caller saw (`X-Request-Id`, and the fault).
    public let requestID: String

    init() {
        requestID = String(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF, radix: 16)
    }

    /// The SOAP operation, or another name for what was asked.
    public var operation: String? {
        get { state.withLock { $0.operation } }
        set { state.withLock { $0.operation = newValue } }
    }

    /// The eConnect code of the fault answered, if one was.
    public var faultCode: String? {
        get { state.withLock { $0.faultCode } }
        set { state.withLock { $0.faultCode = newValue } }
    }
}

/// One log line per request (request id, API, operation, status, fault code, duration, client
/// address; never a body, a Secret or a token) and the request metrics.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = PlatformRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
        response.headers[.init("X-Request-Id")!] = context.outcome.requestID
        record(request, context: context, status: response.status.code, since: start)
        return response
    }

    /// `12.34`: the duration in milliseconds with two decimals (without `String(format:)`, which
    /// costs more than the rest of the log line).
    static func milliseconds(_ duration: Duration) -> String {
        let hundredths = duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let api = Self.api(request.uri.path)
        let operation = context.outcome.operation ?? request.method.rawValue
        let dimensions = [("api", api), ("operation", operation)]
        Counter(label: "efactuur_requests_total", dimensions: dimensions + [("status", String(status))]).increment()
        Metrics.Timer(label: "efactuur_request_duration_seconds", dimensions: dimensions).record(elapsed)
        var metadata: Logger.Metadata = [
            "requestId": "\(context.outcome.requestID)", "api": "\(api)", "operation": "\(operation)", "status": "\(status)",
            "ms": "\(Self.milliseconds(elapsed))",
            "address": "\(context.clientAddress)",
        ]
        if let code = context.outcome.faultCode {
            metadata["fault"] = "\(code)"
            Counter(label: "efactuur_faults_total", dimensions: [("code", code)]).increment()
        }
        logger.info("request", metadata: metadata)
    }

    /// The API a path belongs to, from a fixed list (a path itself is not a label: a caller
    /// could make any number of them).
    static func api(_ path: String) -> String {
        switch path {
        case "/soap/v3": "soap-v3"
        case "/soap/v3.1": "soap-v3.1"
        case "/health": "health"
        case "/metrics": "metrics"
        case "/as4": "as4"
        default: path.hasPrefix("/smp/") ? "smp" : "other"
        }
    }
}
