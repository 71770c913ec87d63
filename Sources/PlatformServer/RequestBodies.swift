import HTTPTypes
import Hummingbird
import NIOCore

/// Reads request bodies whole, within limits: a body over the size limit is refused with 413,
/// one that does not fit the server's budget for bodies in memory with 503, before more of it
/// is read.
struct RequestBodies: Sendable {
    /// The largest request accepted (an invoice with attachments fits comfortably).
    let maxBytes: Int
    /// Request bodies in memory at once, over all connections.
    let budget: BodyBudget

    /// The whole body, counted against the budget (the caller releases it).
    func collect(_ request: Request) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBytes {
            throw BodyRefusal(tooLarge: true)
        }
        var body = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard body.readableBytes + chunk.readableBytes <= maxBytes else { throw BodyRefusal(tooLarge: true) }
                guard budget.reserve(chunk.readableBytes) else { throw BodyRefusal(tooLarge: false) }
                body.writeImmutableBuffer(chunk)
            }
        } catch {
            budget.release(body.readableBytes)
            throw error
        }
        return body
    }
}

/// A body that was not read: too large for any request, or not now (the budget is spent).
struct BodyRefusal: Error {
    var tooLarge: Bool
    var status: HTTPResponse.Status { tooLarge ? .contentTooLarge : .serviceUnavailable }
}
