import NIOPosix

/// CPU work in proportion to what a request carries: reading an envelope, validating a document.
///
/// Work on a small document runs where the request already is: handing ~1 ms of work to another
/// thread and back costs two thread switches each way, a tenth of the work itself. Work on a large
/// document runs on NIO's thread pool, so a 100 MiB invoice does not hold up the threads that
/// serve every other request.
public enum RequestWork {
    /// Up to this many bytes (a few milliseconds of work) the work runs in place.
    public static let inPlaceBytes = 64 << 10

    public static func run<T: Sendable, E: Error>(
        bytes: Int, _ work: @escaping @Sendable () throws(E) -> T
    ) async throws -> T {
        if bytes <= inPlaceBytes { return try work() }
        return try await NIOThreadPool.singleton.runIfActive(work)
    }
}
