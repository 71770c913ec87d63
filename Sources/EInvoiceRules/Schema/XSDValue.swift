/// The lexical rules of the built-in types as libxml2 (2.9) applies them to element and attribute
/// values: it does not normalize the value first, but skips white space where each type's parser
/// does (decimal, boolean: both ends; time: the start only; date: nowhere), collapses it for
/// language and anyURI, and ignores any character outside the alphabet in base64.
enum XSDValue {
    typealias Bytes = UnsafeBufferPointer<UInt8>
    typealias ValueKind = UBLSchemaTable.ValueKind

    static func isValid(_ bytes: Bytes, _ kind: ValueKind) -> Bool {
        switch kind {
        case .string, .normalizedString: true
        case .decimal: isDecimal(bytes)
        case .boolean: isBoolean(bytes)
        case .date: isDate(bytes)
        case .time: isTime(bytes)
        case .base64Binary: isBase64(bytes)
        case .language: isLanguage(collapsed(bytes))
        case .anyURI: isURI(bytes)
        }
    }

    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }

    /// Optional sign, digits with at most one point, at most 24 digits after leading zeros.
    static func isDecimal(_ b: Bytes) -> Bool {
        let n = b.count
        var i = 0
        if n == 0 { return false }
        while i < n && isBlank(b[i]) { i += 1 }
        if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
        if i == n { return false }
        var hasLeadingZeroes = false
        while i < n && b[i] == UInt8(ascii: "0") {
            i += 1
            hasLeadingZeroes = true
        }
        var length = 0
        digits: while i < n && length < 24 {
            if isDigit(b[i]) {
                i += 1
                length += 1
            } else if b[i] == UInt8(ascii: ".") {
                i += 1
                repeat {
                    guard i < n && isDigit(b[i]) else { break }
                    i += 1
                    length += 1
                } while length < 24
                if length == 0 && !hasLeadingZeroes { return false }
                break digits
            } else {
                break
            }
        }
        while i < n && isBlank(b[i]) { i += 1 }
        return i == n
    }

    static func isBoolean(_ b: Bytes) -> Bool {
        let n = b.count
        var i = 0
        while i < n && isBlank(b[i]) { i += 1 }
        guard i < n else { return false }
        func word(_ text: StaticString) -> Bool {
            let length = text.utf8CodeUnitCount
            guard n - i >= length else { return false }
            for k in 0..<length where b[i + k] != text.utf8Start[k] { return false }
            i += length
            return true
        }
        if b[i] == UInt8(ascii: "0") || b[i] == UInt8(ascii: "1") {
            i += 1
        } else if !word("true") && !word("false") {
            return false
        }
        while i < n && isBlank(b[i]) { i += 1 }
        return i == n
    }

    /// Two digits at `i`, moving past them.
    static func twoDigits(_ b: Bytes, _ i: inout Int) -> Int? {
        guard i + 1 < b.count, isDigit(b[i]), isDigit(b[i + 1]) else { return nil }
        defer { i += 2 }
        return Int(b[i] - 0x30) * 10 + Int(b[i + 1] - 0x30)
    }

    /// `Z`, `+hh:mm` or `-hh:mm` (within ±14:00) at `i`, or nothing; true when it ends the value.
    static func timeZoneEnds(_ b: Bytes, _ i: Int) -> Bool {
        var i = i
        if i == b.count { return true }
        if b[i] == UInt8(ascii: "Z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard let hours = twoDigits(b, &i), hours <= 23, i < b.count, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard let minutes = twoDigits(b, &i), minutes <= 59, hours * 60 + minutes <= 840 else { return false }
        return i == b.count
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// `-?YYYY-MM-DD` with an optional time zone, a real day; no white space at all.
    static func isDate(_ b: Bytes) -> Bool {
        let n = b.count
        var i = 0
        var negative = false
        if i < n && b[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let first = i
        var year = 0
        while i < n && isDigit(b[i]) {
            let digit = Int(b[i] - 0x30)
            if year > (Int.max - digit) / 10 { return false }
            year = year * 10 + digit
            i += 1
        }
        let digits = i - first
        if digits < 4 || (digits > 4 && b[first] == UInt8(ascii: "0")) || year == 0 { return false }
        if negative { year = -year }
        guard i < n, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard let month = twoDigits(b, &i), (1...12).contains(month), i < n, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        guard let day = twoDigits(b, &i), day >= 1 else { return false }
        let days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return false }
        return timeZoneEnds(b, i)
    }

    /// `hh:mm:ss` with optional fractions and time zone; 24:00:00 is the end of the day. White
    /// space may only lead.
    static func isTime(_ b: Bytes) -> Bool {
        let n = b.count
        var i = 0
        while i < n && isBlank(b[i]) { i += 1 }
        guard let hour = twoDigits(b, &i), i < n, b[i] == UInt8(ascii: ":"), hour <= 24 else { return false }
        i += 1
        guard let minute = twoDigits(b, &i), minute <= 59, i < n, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        guard let whole = twoDigits(b, &i) else { return false }
        // Seconds as libxml2 computes them (a double, digit by digit), so 59.99…9 rounds as there.
        var second = Double(whole)
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(b[i]) else { return false }
            var scale = 1.0
            while i < n && isDigit(b[i]) {
                scale /= 10
                second += Double(b[i] - 0x30) * scale
                i += 1
            }
        }
        let valid = (hour <= 23 && second < 60) || (hour == 24 && minute == 0 && second == 0)
        return valid && timeZoneEnds(b, i)
    }

    /// libxml2's base64: characters outside the alphabet are ignored; the count of the others and
    /// the padding must fit, and the bits the padding covers must be zero.
    static func isBase64(_ b: Bytes) -> Bool {
        func decode(_ byte: UInt8) -> Int {
            switch byte {
            case 0x41...0x5A: Int(byte) - 0x41
            case 0x61...0x7A: Int(byte) - 0x61 + 26
            case 0x30...0x39: Int(byte) - 0x30 + 52
            case UInt8(ascii: "+"): 62
            case UInt8(ascii: "/"): 63
            case UInt8(ascii: "="): 64
            default: -1
            }
        }
        var index = 0
        var count = 0
        var padding = 0
        while index < b.count {
            let value = decode(b[index])
            if value == 64 { break }
            if value >= 0 { count += 1 }
            index += 1
        }
        while index < b.count {
            let value = decode(b[index])
            if value >= 0 && value < 64 { return false }
            if value == 64 { padding += 1 }
            index += 1
        }
        func lastSymbol() -> Int {
            var last = b.count - 1
            while last >= 0 {
                let value = decode(b[last])
                if value >= 0 && value < 64 { return value }
                last -= 1
            }
            return 0
        }
        switch padding {
        case 0: return count % 4 == 0
        case 1: return count % 4 == 3 && lastSymbol() & ~0x3C == 0
        case 2: return count % 4 == 2 && lastSymbol() & ~0x30 == 0
        default: return false
        }
    }

    /// White space trimmed and inner runs made one space (XML Schema's collapse).
    static func collapsed(_ b: Bytes) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(b.count)
        var pendingSpace = false
        for byte in b {
            if isBlank(byte) {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(0x20) }
                pendingSpace = false
                result.append(byte)
            }
        }
        return result
    }

    /// Subtags of 1 to 8 letters separated by `-`; after the first, digits too.
    static func isLanguage(_ b: [UInt8]) -> Bool {
        var first = true
        var length = 0
        for byte in b {
            if byte == UInt8(ascii: "-") {
                if length < 1 || length > 8 { return false }
                length = 0
                first = false
            } else if isAlpha(byte) || (!first && isDigit(byte)) {
                length += 1
            } else {
                return false
            }
        }
        return length >= 1 && length <= 8
    }

    /// libxml2's anyURI: empty, or (collapsed, with spaces, non-ASCII and the characters RFC 3986
    /// excludes made `_`) an RFC 3986 URI reference as its parser reads one.
    static func isURI(_ b: Bytes) -> Bool {
        if b.isEmpty { return true }
        var value = collapsed(b)
        for index in value.indices {
            let byte = value[index]
            if byte < 32 || byte >= 127 || byte == 0x20 || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
                || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "^")
                || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "'")
            {
                value[index] = UInt8(ascii: "_")
            }
        }
        var parser = URIReference(value)
        return parser.isAbsoluteURI() || parser.isRelativeReference()
    }
}

/// RFC 3986 as libxml2's `xmlParse3986URIReference` reads it: an absolute URI, or else a relative
/// reference; each must use up the whole text.
private struct URIReference {
    let s: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { s = bytes }

    func at(_ index: Int) -> UInt8 { index < s.count ? s[index] : 0 }
    static func isAlpha(_ c: UInt8) -> Bool { XSDValue.isAlpha(c) }
    static func isDigit(_ c: UInt8) -> Bool { XSDValue.isDigit(c) }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46) }
    func isUnreserved(_ k: Int) -> Bool {
        let c = at(k)
        return Self.isAlpha(c) || Self.isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "~")
    }
    func isPercentEncoded(_ k: Int) -> Bool { at(k) == UInt8(ascii: "%") && Self.isHex(at(k + 1)) && Self.isHex(at(k + 2)) }
    func isSubDelimiter(_ k: Int) -> Bool {
        switch at(k) {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: "'"):
            true
        default: false
        }
    }
    func isPathCharacter(_ k: Int) -> Bool {
        isUnreserved(k) || isPercentEncoded(k) || isSubDelimiter(k) || at(k) == UInt8(ascii: ":") || at(k) == UInt8(ascii: "@")
    }
    /// Past one character, or a whole `%XX`.
    mutating func next() { i += at(i) == UInt8(ascii: "%") ? 3 : 1 }

    mutating func isAbsoluteURI() -> Bool {
        i = 0
        guard Self.isAlpha(at(i)) else { return false }
        i += 1
        while Self.isAlpha(at(i)) || Self.isDigit(at(i)) || at(i) == UInt8(ascii: "+") || at(i) == UInt8(ascii: "-") || at(i) == UInt8(ascii: ".") {
            i += 1
        }
        guard at(i) == UInt8(ascii: ":") else { return false }
        i += 1
        return hierarchicalPart(firstSegmentForbidding: 0)
    }

    mutating func isRelativeReference() -> Bool {
        i = 0
        return hierarchicalPart(firstSegmentForbidding: UInt8(ascii: ":"))
    }

    /// hier-part (or relative-part, whose first segment may not hold a `:`), then query and
    /// fragment to the end.
    private mutating func hierarchicalPart(firstSegmentForbidding forbidden: UInt8) -> Bool {
        if at(i) == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "/") {
            i += 2
            guard authority() else { return false }
            pathAbEmpty()
        } else if at(i) == UInt8(ascii: "/") {
            pathAbsolute()
        } else if isPathCharacter(i) {
            segment(forbidding: forbidden)
            pathAbEmpty()
        }
        return queryFragmentEnd()
    }

    mutating func queryFragmentEnd() -> Bool {
        if at(i) == UInt8(ascii: "?") {
            i += 1
            while isPathCharacter(i) || at(i) == UInt8(ascii: "/") || at(i) == UInt8(ascii: "?") { next() }
        }
        if at(i) == UInt8(ascii: "#") {
            i += 1
            while isPathCharacter(i) || at(i) == UInt8(ascii: "/") || at(i) == UInt8(ascii: "?") || at(i) == UInt8(ascii: "[")
                || at(i) == UInt8(ascii: "]")
            {
                next()
            }
        }
        return i >= s.count
    }

    mutating func segment(forbidding forbidden: UInt8) {
        while isPathCharacter(i) && at(i) != forbidden { next() }
    }

    /// `*( "/" segment )`.
    mutating func pathAbEmpty() {
        while at(i) == UInt8(ascii: "/") {
            i += 1
            segment(forbidding: 0)
        }
    }

    mutating func pathAbsolute() {
        i += 1
        pathAbEmptyAfterFirstSegment()
    }

    private mutating func pathAbEmptyAfterFirstSegment() {
        guard isPathCharacter(i) else { return }
        segment(forbidding: 0)
        pathAbEmpty()
    }

    /// `[ userinfo "@" ] host [ ":" port ]`; the host is `[…]` or a registered name (libxml2's
    /// IPv4 branch never succeeds, and a registered name takes digits and dots anyway).
    mutating func authority() -> Bool {
        let start = i
        while isUnreserved(i) || isPercentEncoded(i) || isSubDelimiter(i) || at(i) == UInt8(ascii: ":") { next() }
        if at(i) == UInt8(ascii: "@") {
            i += 1
        } else {
            i = start
        }
        if at(i) == UInt8(ascii: "[") {
            i += 1
            while i < s.count && at(i) != UInt8(ascii: "]") { i += 1 }
            guard at(i) == UInt8(ascii: "]") else { return false }
            i += 1
        } else {
            while isUnreserved(i) || isPercentEncoded(i) || isSubDelimiter(i) { next() }
        }
        if at(i) == UInt8(ascii: ":") {
            i += 1
            guard Self.isDigit(at(i)) else { return false }
            var port = 0
            while Self.isDigit(at(i)) {
                let digit = Int(at(i) - 0x30)
                if port > (Int(Int32.max) - digit) / 10 { return false }
                port = port * 10 + digit
                i += 1
            }
        }
        return true
    }
}
