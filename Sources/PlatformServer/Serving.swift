import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

extension PlatformHTTPServer {
    /// Runs an application for the duration of `body`, which gets its base URL
    /// (`http://127.0.0.1:PORT`) once it accepts connections; then shuts it down gracefully, also
    /// when `body` throws. `makeApplication` builds the application with the callback to pass as
    /// its `onListening`/`onServerRunning`, so a port 0 (any free port) can be used.
    public static func serving<T: Sendable>(
        logger: Logger = Logger(label: "efactuur.platform"),
        _ makeApplication: (_ onListening: @escaping @Sendable (Int) async -> Void) -> any ApplicationProtocol,
        _ body: @Sendable (URL) async throws -> T
    ) async throws -> T {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(services: [makeApplication { listening.yield($0) }], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            if let port = await ports.first(where: { _ in true }) {
                do {
                    result = .success(try await body(URL(string: "http://127.0.0.1:\(port)")!))
                } catch {
                    result = .failure(error)
                }
            } else {
                result = .failure(CancellationError())
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
