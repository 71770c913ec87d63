import HardenedXML

/// An AS4 message on the wire: `multipart/related` with the SOAP envelope first and the
/// attachments after it, each part's bytes as sent (`Content-Transfer-Encoding: binary`).
public struct MIMEMessage: Sendable {
    public struct Attachment: Sendable {
        /// The Content-ID without its angle brackets; the envelope refers to it as `cid:…`.
        public var contentID: String
        public var contentType: String
        public var bytes: [UInt8]

        public init(contentID: String, contentType: String = "application/octet-stream", bytes: [UInt8]) {
            self.contentID = contentID
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    public var envelope: [UInt8]
    public var attachments: [Attachment]

    public init(envelope: [UInt8], attachments: [Attachment]) {
        self.envelope = envelope
        self.attachments = attachments
    }

    /// The HTTP body and its Content-Type header. The boundary is random, so it cannot occur in
    /// the parts by accident; a part that contains it anyway is refused rather than cut.
    public func serialized(boundary: String = "----=_Part_efactuur_" + randomToken()) -> (contentType: String, body: [UInt8]) {
        var body: [UInt8] = []
        body.reserveCapacity(envelope.count + attachments.reduce(0) { $0 + $1.bytes.count } + 512)
        func line(_ text: String) { body += Array(text.utf8) + [0x0D, 0x0A] }
        line("--" + boundary)
        line("Content-Type: application/soap+xml;charset=UTF-8")
        line("Content-Transfer-Encoding: binary")
        line("")
        body += envelope
        for attachment in attachments {
            line("")
            line("--" + boundary)
            line("Content-Type: " + attachment.contentType)
            line("Content-Transfer-Encoding: binary")
            line("Content-ID: <\(attachment.contentID)>")
            line("")
            body += attachment.bytes
        }
        line("")
        line("--" + boundary + "--")
        return ("multipart/related; boundary=\"\(boundary)\"; type=\"application/soap+xml\"", body)
    }

    /// Reads an HTTP body sent with `contentType`. A single SOAP envelope (`application/soap+xml`)
    /// is a message without attachments, as signals are usually sent.
    public static func parse(body: [UInt8], contentType: String, maxParts: Int = 8) throws(AS4Error) -> MIMEMessage {
        let type = HeaderValue(contentType)
        if type.value == "application/soap+xml" { return MIMEMessage(envelope: body, attachments: []) }
        guard type.value == "multipart/related", let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200
        else {
            throw AS4Error(.invalidHeader, "the message must be multipart/related with a boundary, not \(type.value)")
        }
        let delimiter = Array(("--" + boundary).utf8)
        let parts = try split(body, on: delimiter, maxParts: maxParts)
        guard let first = parts.first else { throw AS4Error(.invalidHeader, "the message has no parts") }
        let envelopePart = try Part(first)
        guard HeaderValue(envelopePart.headers["content-type"] ?? "").value == "application/soap+xml" else {
            throw AS4Error(.invalidHeader, "the first part must be the SOAP envelope (application/soap+xml)")
        }
        var attachments: [Attachment] = []
        for raw in parts.dropFirst() {
            let part = try Part(raw)
            guard var id = part.headers["content-id"]?.trimmingXMLWhitespace, !id.isEmpty else {
                throw AS4Error(.invalidHeader, "an attachment has no Content-ID")
            }
            if id.hasPrefix("<") && id.hasSuffix(">") { id = String(id.dropFirst().dropLast()) }
            guard !attachments.contains(where: { $0.contentID == id }) else {
                throw AS4Error(.invalidHeader, "two attachments have the Content-ID <\(id)>")
            }
            attachments.append(Attachment(contentID: id, contentType: part.headers["content-type"] ?? "", bytes: part.body))
        }
        return MIMEMessage(envelope: envelopePart.body, attachments: attachments)
    }

    /// Reads a message as phase4 dumps it: MIME headers (with the Content-Type), a blank line,
    /// then the body.
    static func parse(dumpBody dump: [UInt8]) throws(AS4Error) -> MIMEMessage {
        guard let end = ByteSearch.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A], in: dump, from: 0) else {
            throw AS4Error(.invalidHeader, "no header block")
        }
        let headers = Part.headerLines(dump[0..<end.lowerBound])
        return try parse(body: Array(dump[end.upperBound...]), contentType: headers["content-type"] ?? "")
    }

    /// The parts between the delimiters (without the CRLF that belongs to each delimiter).
    private static func split(_ body: [UInt8], on delimiter: [UInt8], maxParts: Int) throws(AS4Error) -> [ArraySlice<UInt8>] {
        guard let firstDelimiter = ByteSearch.firstRange(of: delimiter, in: body, from: 0) else {
            throw AS4Error(.invalidHeader, "the boundary does not occur in the message")
        }
        var parts: [ArraySlice<UInt8>] = []
        var position = firstDelimiter.upperBound
        while true {
            // After a delimiter: "--" ends the message; otherwise the rest of the line is padding.
            if position + 1 < body.count && body[position] == 0x2D && body[position + 1] == 0x2D { return parts }
            guard let lineEnd = ByteSearch.firstRange(of: [0x0D, 0x0A], in: body, from: position) else {
                throw AS4Error(.invalidHeader, "the message ends inside a boundary line")
            }
            let start = lineEnd.upperBound
            guard let next = ByteSearch.firstRange(of: [0x0D, 0x0A] + delimiter, in: body, from: start) else {
                throw AS4Error(.invalidHeader, "the message ends before its closing boundary")
            }
            parts.append(body[start..<next.lowerBound])
            guard parts.count <= maxParts else { throw AS4Error(.invalidHeader, "the message has more than \(maxParts) parts") }
            position = next.upperBound
        }
    }

    private struct Part {
        var headers: [String: String]
        var body: [UInt8]

        init(_ raw: ArraySlice<UInt8>) throws(AS4Error) {
            guard let end = ByteSearch.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A], in: raw, from: raw.startIndex) else {
                // A part without headers starts with its blank line.
                guard raw.starts(with: [0x0D, 0x0A]) else { throw AS4Error(.invalidHeader, "a MIME part has no header block") }
                headers = [:]
                body = Array(raw.dropFirst(2))
                return
            }
            headers = Part.headerLines(raw[raw.startIndex..<end.lowerBound])
            if let encoding = headers["content-transfer-encoding"]?.lowercased().trimmingXMLWhitespace,
                !["binary", "8bit", "7bit"].contains(encoding)
            {
                throw AS4Error(.valueNotRecognized, "Content-Transfer-Encoding \(encoding) is not supported; parts are sent binary")
            }
            body = Array(raw[end.upperBound...])
        }

        /// Header lines by lower-cased name (folded lines joined).
        static func headerLines(_ block: ArraySlice<UInt8>) -> [String: String] {
            var headers: [String: String] = [:]
            var lastName: String?
            for line in String(decoding: block, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: true) {
                if line.first == " " || line.first == "\t", let name = lastName {
                    headers[name, default: ""] += " " + String(line).trimmingXMLWhitespace
                    continue
                }
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = String(line[..<colon]).lowercased().trimmingXMLWhitespace
                headers[name] = String(line[line.index(after: colon)...]).trimmingXMLWhitespace
                lastName = name
            }
            return headers
        }
    }
}

/// A header value with parameters: `multipart/related; boundary="…"; type="…"`.
struct HeaderValue {
    var value: String
    var parameters: [String: String] = [:]

    init(_ text: String) {
        var pieces: [Substring] = []
        var current = text[...]
        // Split on semicolons outside quotes.
        var inQuotes = false
        var start = current.startIndex
        for index in current.indices {
            if current[index] == "\"" { inQuotes.toggle() }
            if current[index] == ";" && !inQuotes {
                pieces.append(current[start..<index])
                start = current.index(after: index)
            }
        }
        pieces.append(current[start...])
        current = pieces.removeFirst()
        value = String(current).trimmingXMLWhitespace.lowercased()
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = String(piece[..<equals]).trimmingXMLWhitespace.lowercased()
            var parameter = String(piece[piece.index(after: equals)...]).trimmingXMLWhitespace
            if parameter.count >= 2 && parameter.hasPrefix("\"") && parameter.hasSuffix("\"") {
                parameter = String(parameter.dropFirst().dropLast())
            }
            parameters[name] = parameter
        }
    }
}

/// 128 random bits as hex, for boundaries, ids and message ids.
public func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    let bits = (generator.next() as UInt64, generator.next() as UInt64)
    return withUnsafeBytes(of: bits) { $0.lowercaseHex }
}
