import AsyncHTTPClient
import Foundation
import NIOCore
import X509

/// Asks a certificate's OCSP responder over HTTP (RFC 6960, appendix A: a POST of the DER
/// request), for ``PeppolAS4/AS4Trust/Revocation``. swift-certificates builds the request and
/// checks the answer's signature, nonce and dates; this only carries it.
struct OCSPOverHTTP: OCSPRequester {
    let http: HTTPClient
    /// Whether a responder that cannot be reached refuses the certificate (hard failure mode)
    /// or lets it pass (soft).
    let unreachableIsFatal: Bool

    /// An OCSP answer is small; a larger body is not one.
    static let maxResponseBytes = 64 << 10

    func query(request: [UInt8], uri: String) async -> OCSPRequesterQueryResult {
        guard let url = URL(string: uri), url.scheme == "http" || url.scheme == "https" else {
            return .terminalError(OCSPUnreachable(detail: "the responder \(uri) is not an HTTP URL"))
        }
        var post = HTTPClientRequest(url: uri)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/ocsp-request")
        post.headers.add(name: "Accept", value: "application/ocsp-response")
        post.body = .bytes(ByteBuffer(bytes: request))
        do {
            // The policy cancels the query after its own 10 s; this timeout only bounds it without one.
            let response = try await http.execute(post, timeout: .seconds(30))
            guard response.status == .ok else { throw OCSPUnreachable(detail: "the responder \(uri) answered HTTP \(response.status.code)") }
            let body = try await response.body.collect(upTo: Self.maxResponseBytes)
            return .response(Array(body.readableBytesView))
        } catch {
            let failure = error as? OCSPUnreachable ?? OCSPUnreachable(detail: "the responder \(uri) cannot be reached: \(error)")
            return unreachableIsFatal ? .terminalError(failure) : .nonTerminalError(failure)
        }
    }
}

struct OCSPUnreachable: Error, CustomStringConvertible {
    var detail: String
    var description: String { "OCSP: \(detail)" }
}
