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
    public static func parse(_ text: String) -> Date? {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = (try? style.parse(text)) ?? (try? style.parse(text + "Z")) { return date }
        }
        return nil
    }
}
