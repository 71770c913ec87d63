import EConnectWire
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Platform
import PlatformPeppol
import PlatformPortal
import ServiceLifecycle

/// The platform's HTTP front end: the native SOAP API v3 and v3.1 (each with its WSDL at
/// `?wsdl`), `/health`, and with Peppol configured the AS4 access point (`POST /as4`) and the
/// SMP (`GET /smp/…`).
public enum PlatformHTTPServer {
    /// `port` 0 takes a free port; `onListening` is told which once the server accepts connections.
    /// The application also runs the platform's background work (deliveries retried, expired
    /// tokens purged).
    public static func makeApplication(
        service: PlatformService, host: String = "127.0.0.1", port: Int = 8080, limits: ServerLimits = ServerLimits(),
        proxies: ProxyPolicy = ProxyPolicy(), peppol: PeppolAccessPoint? = nil, services: [any Service] = [],
        logger: Logger = Logger(label: "efactuur.platform"),
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        _ = PlatformMetrics.registry
        let connections = ConnectionCount()
        var app = Application(
            router: makeRouter(service: service, limits: limits, proxies: proxies, peppol: peppol, logger: logger),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ConnectionGuard(limits: limits, connections: connections)],
                    idleTimeout: limits.idleTimeout.timeAmount)),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "efactuur",
                // Past the cap the guard answers 503; past this the server stops accepting, so the
                // process never runs out of file descriptors.
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections + 64)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        // Started in this order before the HTTP server, stopped in reverse after it: the
        // requests drain, then the delivery worker, then what `services` holds (the store's client).
        app.addServices(services + [BackgroundWork(service: service, logger: logger)])
        return app
    }

    public static func makeRouter(
        service: PlatformService, limits: ServerLimits = ServerLimits(), proxies: ProxyPolicy = ProxyPolicy(),
        peppol: PeppolAccessPoint? = nil, logger: Logger = Logger(label: "efactuur.platform")
    ) -> Router<PlatformRequestContext> {
        let registry = PlatformMetrics.registry
        let router = Router(context: PlatformRequestContext.self)
        router.middlewares.add(ForwardedClientMiddleware(policy: proxies))
        router.middlewares.add(RequestLogMiddleware(logger: logger))
        let bodies = RequestBodies(maxBytes: limits.maxRequestBytes, budget: BodyBudget(limit: limits.bodyBudget))
        let soap = SOAPEndpoint(service: service, bodies: bodies)
        for version in APIVersion.allCases {
            router.post(RouterPath(version.path)) { request, context in
                try await soap.handle(request, context: context, endpointVersion: version)
            }
            router.get(RouterPath(version.path)) { request, _ -> Response in
                guard request.uri.queryParameters.has("wsdl") || request.uri.query?.lowercased() == "wsdl" else {
                    return Response(status: .notFound)
                }
                let address = "http://\(request.head.authority ?? "localhost")\(version.path)"
                return SOAPEndpoint.xmlResponse(.ok, WSDL.document(version: version, address: address))
            }
        }
        router.get("/health") { _, _ in "ok" }
        Portal(service: service, logger: logger).register(on: router)
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        if let peppol {
            router.post("/as4") { request, _ -> Response in
                let body: ByteBuffer
                do {
                    body = try await bodies.collect(request)
                } catch let refusal as BodyRefusal {
                    var response = Response(status: refusal.status)
                    response.headers[.connection] = "close"
                    return response
                }
                defer { bodies.budget.release(body.readableBytes) }
                let answer = await peppol.receive(
                    body: Array(body.readableBytesView), contentType: request.headers[.contentType] ?? "")
                return Self.response(answer)
            }
            router.get("/smp/**") { request, _ -> Response in
                Self.response(await peppol.smp(path: String(request.uri.path.dropFirst("/smp".count))))
            }
        }
        return router
    }
}

extension PlatformHTTPServer {
    static func response(_ answer: PeppolAccessPoint.Answer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// The platform's work on a schedule, for as long as the server runs: deliveries to receivers
/// outside the platform that are due (retries) every few seconds, expired security tokens every
/// ten minutes.
struct BackgroundWork: Service {
    let service: PlatformService
    let logger: Logger
    var tick: Duration = .seconds(5)
    var purgeEvery = 120  // ticks

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var ticks = 0
            while !Task.isCancelled {
                do {
                    while try await service.deliverDueDocuments() > 0 {}
                    try await service.recordOutsideQueueDepth()
                } catch is CancellationError {
                    return  // shutting down: what was not attempted stays queued
                } catch {
                    logger.error("delivering queued documents failed: \(error)")
                }
                if ticks % purgeEvery == 0 {
                    do {
                        let purged = try await service.purgeExpiredTokens()
                        if purged > 0 { logger.info("purged expired security tokens", metadata: ["count": "\(purged)"]) }
                        let ended = try await service.purgeExpiredPortalSessions()
                        if ended > 0 { logger.info("purged expired portal sessions", metadata: ["count": "\(ended)"]) }
                    } catch {
                        logger.error("purging expired security tokens failed: \(error)")
                    }
                }
                ticks += 1
                try? await Task.sleep(for: tick)
            }
        }
    }
}
