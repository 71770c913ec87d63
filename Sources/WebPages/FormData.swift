import Foundation
import HardenedXML

/// The fields of a submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data`
/// for the upload of a document. Both are read in time linear in the body, whatever it holds.
public struct FormData: Sendable {
    public var fields: [String: String] = [:]
    /// Uploaded files by field name: their bytes, exactly as sent.
    public var files: [String: [UInt8]] = [:]

    public subscript(_ name: String) -> String { fields[name] ?? "" }

    /// Reads `body` as its content type says; nil when the type is neither form encoding.
    public init?(body: [UInt8], contentType: String?) {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") {
            fields = Self.urlEncoded(body)
        } else if type.hasPrefix("multipart/form-data"), let boundary = Self.boundary(contentType ?? "") {
            guard let parts = Self.multipart(body, boundary: boundary) else { return nil }
            for part in parts {
                if part.isFile { files[part.name] = part.body } else { fields[part.name] = String(decoding: part.body, as: UTF8.self) }
            }
        } else {
            return nil
        }
    }

    /// The forms have a dozen fields; more are ignored, so a body of `a&a&a…` costs no
    /// more than a short one.
    static let maxFields = 64

    static func urlEncoded(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), maxSplits: maxFields, omittingEmptySubsequences: true).prefix(maxFields) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = decoded(parts[0])
            // The first value of a name counts: a second one cannot override a checked field.
            if fields[name] == nil { fields[name] = parts.count > 1 ? decoded(parts[1]) : "" }
        }
        return fields
    }

    private static func decoded(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return text.removingPercentEncoding ?? text
    }

    private static func boundary(_ contentType: String) -> [UInt8]? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.utf8.count) else { return nil }
            return Array(value.utf8)
        }
        return nil
    }

    private struct Part {
        var name: String
        var isFile: Bool
        var body: [UInt8]
    }

    /// Splits the body at `--boundary` lines (found in linear time, ``ByteSearch``) and reads each
    /// part's Content-Disposition. At most 16 parts.
    private static func multipart(_ body: [UInt8], boundary: [UInt8]) -> [Part]? {
        let delimiter = Array("--".utf8) + boundary
        var positions: [Int] = []
        while positions.count < 17,
            let found = ByteSearch.firstRange(of: delimiter, in: body, from: positions.last.map { $0 + delimiter.count } ?? 0)
        {
            positions.append(found.lowerBound)
        }
        guard positions.count >= 2 else { return nil }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // The line break after the delimiter, and the one before the next (part of the delimiter).
            if body[partStart..<min(partStart + 2, body.count)].elementsEqual([13, 10]) { partStart += 2 }
            var partEnd = end
            if partEnd >= 2 && body[partEnd - 2] == 13 && body[partEnd - 1] == 10 { partEnd -= 2 }
            guard partStart <= partEnd else { return nil }
            let part = body[partStart..<partEnd]
            guard let headersEnd = ByteSearch.firstRange(of: [13, 10, 13, 10], in: part.prefix(4096), from: part.startIndex) else {
                return nil
            }
            let split = headersEnd.lowerBound - part.startIndex
            let headers = String(decoding: part.prefix(split), as: UTF8.self)
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                let name = parameter("name", in: disposition)
            else { continue }
            parts.append(
                Part(name: name, isFile: parameter("filename", in: disposition) != nil, body: Array(part.dropFirst(split + 4))))
        }
        return parts
    }

    private static func parameter(_ wanted: String, in header: Substring) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == wanted else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
