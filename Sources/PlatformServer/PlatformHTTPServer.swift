import EConnectWire
import Hummingbird
import Logging
import Platform

/// The platform's HTTP front end: the native SOAP API v3 and v3.1 (each with its WSDL at
/// `?wsdl`) and `/health`.
public enum PlatformHTTPServer {
    /// `port` 0 takes a free port; `onListening` is told which once the server accepts connections.
    public static func makeApplication(
        service: PlatformService, host: String = "127.0.0.1", port: Int = 8080,
        maxRequestBytes: Int = 20 * 1024 * 1024, logger: Logger = Logger(label: "efactuur.platform"),
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(service: service, maxRequestBytes: maxRequestBytes),
            configuration: .init(address: .hostname(host, port: port), serverName: "efactuur"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    public static func makeRouter(service: PlatformService, maxRequestBytes: Int = 20 * 1024 * 1024)
        -> Router<BasicRequestContext>
    {
        let router = Router()
        let soap = SOAPEndpoint(service: service, maxRequestBytes: maxRequestBytes)
        for version in APIVersion.allCases {
            router.post(RouterPath(version.path)) { request, context in
                await soap.handle(request, context: context, endpointVersion: version)
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
        return router
    }
}
