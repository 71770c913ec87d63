import Foundation

/// xsd:dateTime as the Peppol documents write it: AS4 timestamps, the SBDH, SMP validity dates.
/// Swift's own ISO 8601 style, not `ISO8601DateFormatter`, which opens an ICU formatter each
/// time (a tenth of a sender's CPU when it was made per message).
public enum AS4Time {
    /// UTC with milliseconds, as AS4 timestamps are written.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Reads an xsd:dateTime with or without fractional seconds and zone; one without a zone is UTC.
    /// The style is chosen from the text, so a good timestamp is parsed once (a failed parse
    /// throws, which costs more than the parse).
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        let fractional = bytes.contains(UInt8(ascii: "."))
        let style = fractional ? Date.ISO8601FormatStyle(includingFractionalSeconds: true) : Date.ISO8601FormatStyle()
        let hasZone =
            bytes.last == UInt8(ascii: "Z")
            || (bytes.count >= 6 && (bytes[bytes.count - 6] == UInt8(ascii: "+") || bytes[bytes.count - 6] == UInt8(ascii: "-"))
                && bytes[bytes.count - 3] == UInt8(ascii: ":"))
        return try? style.parse(hasZone ? text : text + "Z")
    }
}
