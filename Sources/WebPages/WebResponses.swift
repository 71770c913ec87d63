import Foundation
import HTTPTypes
import HardenedXML
import Hummingbird
import NIOCore

/// What every server-rendered page of efactuur answers with, the platform's portal and the books
/// alike: the security headers, redirects, static assets and downloads, and the CSRF token check.
public enum WebResponses {
    /// The headers every answer carries: no framing, no sniffing, scripts and styles only from
    /// here, forms only to here.
    public static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
    }

    public static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    public static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        secure(&response.headers)
        return response
    }

    public static func asset(_ text: String, type: String) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "max-age=3600"]
        secure(&headers)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A file to save, its name reduced to characters every file system and header takes.
    public static func download(_ bytes: [UInt8], type: String, name: String, inline: Bool = false) -> Response {
        let safe = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        var headers: HTTPFields = [
            .contentType: type,
            .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(safe.isEmpty ? "document" : safe)\"",
        ]
        secure(&headers)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `count` random bytes as lower-case hex: CSRF tokens and visitor cookies.
    public static func randomToken(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.lowercaseHex
    }

    /// Whether a form's token is the expected one, in time that does not depend on where they differ.
    public static func tokenMatches(_ given: String, _ expected: String) -> Bool {
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        guard !b.isEmpty, a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
