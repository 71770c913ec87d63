import HardenedXML

/// A calendar date as `xs:date` writes it: `2026-02-28`, optionally with a time zone (`Z`,
/// `+01:00`), which is kept so that a document is written back as it was read.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    /// `Z` or `±hh:mm`, as written.
    public var timeZone: String?

    /// Nil when the day does not exist in that month (leap years included).
    public init?(year: Int, month: Int, day: Int, timeZone: String? = nil) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
        self.timeZone = timeZone
    }

    /// Parses `YYYY-MM-DD` with an optional time zone; leading and trailing white space is ignored.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(Array(text.utf8).trimmedXMLWhitespace)
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let day = Self.number(bytes[8..<10])
        else { return nil }
        var zone: String?
        if bytes.count > 10 {
            let rest = Array(bytes[10...])
            let valid =
                (rest.count == 1 && rest.first == UInt8(ascii: "Z"))
                || (rest.count == 6 && (rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-"))
                    && rest[3] == UInt8(ascii: ":")
                    && Self.number(rest[1..<3]).map { $0 <= 14 } == true
                    && Self.number(rest[4...]).map { $0 < 60 } == true)
            guard valid else { return nil }
            zone = String(decoding: rest, as: UTF8.self)
        }
        self.init(year: year, month: month, day: day, timeZone: zone)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(timeZone ?? "")"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}

extension Array where Element == UInt8 {
    var trimmedXMLWhitespace: ArraySlice<UInt8> {
        var slice = self[...]
        while let first = slice.first, first.isXMLWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isXMLWhitespace { slice = slice.dropLast() }
        return slice
    }
}
