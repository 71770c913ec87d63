import HardenedXML

/// An exact decimal number: `significand × 10^-scale`, as `xs:decimal` is in XML Schema.
///
/// Amounts, quantities, prices and rates are never binary floating point. The scale a number was
/// written with is kept (`100.00` stays `100.00` when written back), but equality, hashing and
/// ordering are numeric: `100.00 == 100`.
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public private(set) var significand: Int128
    /// Digits after the decimal point.
    public private(set) var scale: Int

    /// Digits after the point a number may carry (products of parsed numbers stay within it).
    static let maxScale = 36
    /// Parsed text may have at most 18 fraction digits and 19 significant digits: far beyond any
    /// invoice, and small enough that a product of two parsed numbers fits in `Int128`.
    static let maxParsedScale = 18
    static let maxParsedMagnitude: UInt128 = 10_000_000_000_000_000_000

    public init(significand: Int128, scale: Int = 0) {
        precondition(scale >= 0 && scale <= DecimalNumber.maxScale, "scale out of range")
        self.significand = significand
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(significand: Int128(integer), scale: 0)
    }

    public static let zero = DecimalNumber(0)
    public static let hundred = DecimalNumber(100)

    // MARK: Parsing and formatting

    /// Parses the `xs:decimal` lexical form: optional sign, digits, optional fraction.
    /// Leading and trailing white space is ignored, as XML Schema collapses it. No exponent, no
    /// thousands separators, no decimal comma.
    public init?(parsing text: some StringProtocol) {
        var utf8 = Substring(text).utf8[...]
        while let first = utf8.first, first.isXMLWhitespace {
            utf8 = utf8.dropFirst()
        }
        while let last = utf8.last, last.isXMLWhitespace {
            utf8 = utf8.dropLast()
        }
        var negative = false
        if let sign = utf8.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var value: Int128 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
                continue
            }
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            if value == 0 && byte == 0x30 && !seenPoint {
                digits += 1  // leading zeros do not count against the precision
                continue
            }
            if seenPoint && scale == DecimalNumber.maxParsedScale { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int128(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
            digits += 1
            if seenPoint { scale += 1 }
        }
        guard digits > 0 || scale > 0 else { return nil }
        self.significand = negative ? -value : value
        self.scale = scale
        // Keep parsed numbers small enough that products and sums of them stay exact in Int128.
        guard normalized.significand.magnitude < DecimalNumber.maxParsedMagnitude else { return nil }
    }

    /// The canonical text with the number's own scale: `-12.50`, `0.005`, `3`.
    public var description: String {
        String(decoding: utf8, as: UTF8.self)
    }

    /// The text as UTF-8 bytes, without going through `String` (the UBL writer's hot path).
    public var utf8: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendText(to: &bytes)
        return bytes
    }

    public func appendText(to bytes: inout [UInt8]) {
        var magnitude = significand.magnitude
        if significand < 0 { bytes.append(UInt8(ascii: "-")) }
        // Digits in reverse, then copied in order.
        var reversed: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &reversed) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            while count <= scale {  // at least one digit before the point
                buffer[count] = UInt8(ascii: "0")
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                if index == scale - 1 { bytes.append(UInt8(ascii: ".")) }
                bytes.append(buffer[index])
            }
        }
    }

    // MARK: Scale

    /// The same number with `scale` fraction digits, rounded as XPath `round()` does: halves go
    /// toward positive infinity (`2.345 → 2.35`, `-2.345 → -2.34`). EN 16931 rounds with it.
    public func rounded(scale newScale: Int) -> DecimalNumber {
        if newScale >= scale { return rescaled(to: newScale) ?? self }
        return DecimalNumber(
            significand: DecimalNumber.roundHalfUp(significand, droppingDigits: scale - newScale), scale: newScale)
    }

    /// The same number written with exactly `scale` digits (only widens), nil on overflow.
    func rescaled(to newScale: Int) -> DecimalNumber? {
        if newScale == scale { return self }
        guard newScale > scale, newScale <= DecimalNumber.maxScale else { return nil }
        let (value, overflow) = significand.multipliedReportingOverflow(by: DecimalNumber.powerOfTen(newScale - scale))
        return overflow ? nil : DecimalNumber(significand: value, scale: newScale)
    }

    /// The number without trailing fraction zeros (`12.500 → 12.5`, `3.00 → 3`).
    public var normalized: DecimalNumber {
        var value = significand
        var scale = self.scale
        while scale > 0 && value % 10 == 0 {
            value /= 10
            scale -= 1
        }
        return DecimalNumber(significand: value, scale: scale)
    }

    /// How many digits the text has after the decimal point, trailing zeros included.
    public var fractionDigits: Int { scale }

    // MARK: Arithmetic

    public static func + (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        let (a, b, scale) = aligned(lhs, rhs)
        return DecimalNumber(significand: a + b, scale: scale)
    }

    public static func - (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        let (a, b, scale) = aligned(lhs, rhs)
        return DecimalNumber(significand: a - b, scale: scale)
    }

    public static prefix func - (value: DecimalNumber) -> DecimalNumber {
        DecimalNumber(significand: -value.significand, scale: value.scale)
    }

    public static func * (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        let left = lhs.normalized
        let right = rhs.normalized
        let significand = left.significand * right.significand
        let scale = left.scale + right.scale
        if scale <= maxScale { return DecimalNumber(significand: significand, scale: scale) }
        return DecimalNumber(significand: roundHalfUp(significand, droppingDigits: scale - maxScale), scale: maxScale)
    }

    public static func += (lhs: inout DecimalNumber, rhs: DecimalNumber) { lhs = lhs + rhs }
    public static func -= (lhs: inout DecimalNumber, rhs: DecimalNumber) { lhs = lhs - rhs }

    /// `self / divisor` rounded to `scale` digits the XPath way (halves toward positive infinity).
    /// Nil when dividing by zero.
    public func divided(by divisor: DecimalNumber, scale resultScale: Int) -> DecimalNumber? {
        guard divisor.significand != 0 else { return nil }
        // self / divisor × 10^resultScale = N / D exactly; the result is floor(N/D + 1/2).
        let a = normalized
        let b = divisor.normalized
        let shift = resultScale + b.scale - a.scale
        var numerator = a.significand
        var denominator = b.significand
        if shift >= 0 {
            numerator *= DecimalNumber.powerOfTen(shift)
        } else {
            denominator *= DecimalNumber.powerOfTen(-shift)
        }
        if denominator < 0 {
            numerator = -numerator
            denominator = -denominator
        }
        let quotient = DecimalNumber.floorDivide(2 * numerator + denominator, 2 * denominator)
        return DecimalNumber(significand: quotient, scale: resultScale)
    }

    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        let (a, b, _) = aligned(lhs, rhs)
        return a < b
    }

    public static func == (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        let (a, b, _) = aligned(lhs, rhs)
        return a == b
    }

    public func hash(into hasher: inout Hasher) {
        let normal = normalized
        hasher.combine(normal.significand)
        hasher.combine(normal.scale)
    }

    public var isZero: Bool { significand == 0 }
    public var isNegative: Bool { significand < 0 }
    public var magnitude: DecimalNumber { DecimalNumber(significand: Int128(significand.magnitude), scale: scale) }

    // MARK: Helpers

    private static func aligned(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> (Int128, Int128, Int) {
        if lhs.scale == rhs.scale { return (lhs.significand, rhs.significand, lhs.scale) }
        if lhs.scale < rhs.scale {
            return (lhs.significand * powerOfTen(rhs.scale - lhs.scale), rhs.significand, rhs.scale)
        }
        return (lhs.significand, rhs.significand * powerOfTen(lhs.scale - rhs.scale), lhs.scale)
    }

    static func powerOfTen(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// `value / 10^digits`, halves toward positive infinity: floor(x + 1/2).
    static func roundHalfUp(_ value: Int128, droppingDigits digits: Int) -> Int128 {
        let divisor = powerOfTen(digits)
        return floorDivide(value * 2 + divisor, divisor * 2)
    }

    /// Division rounding toward negative infinity (Swift's `/` truncates toward zero).
    static func floorDivide(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        return (remainder != 0 && (remainder < 0) != (denominator < 0)) ? quotient - 1 : quotient
    }
}

extension DecimalNumber: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}

extension DecimalNumber: ExpressibleByStringLiteral {
    /// For literals in code and tests: `"12.50"`. Traps on text that is not a decimal.
    public init(stringLiteral value: String) {
        guard let number = DecimalNumber(parsing: value) else { preconditionFailure("not a decimal: \(value)") }
        self = number
    }
}
