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
        let newScale = max(0, newScale)
        if newScale >= scale { return rescaled(to: newScale) ?? self }
        return DecimalNumber(
            significand: DecimalNumber.roundHalfUp(significand, droppingDigits: scale - newScale), scale: newScale)
    }

    /// The same number written with exactly `scale` digits (only widens), nil on overflow.
    func rescaled(to newScale: Int) -> DecimalNumber? {
        if newScale == scale { return self }
        guard newScale > scale, newScale <= DecimalNumber.maxScale,
            let value = DecimalNumber.multipliedByPowerOfTen(significand, newScale - scale)
        else { return nil }
        return DecimalNumber(significand: value, scale: newScale)
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
    //
    // Every value here may come from a document, so no operation may trap. Numbers as parsed
    // (at most 19 significant and 18 fraction digits) add, subtract, multiply and compare exactly.
    // Results that would not fit in `Int128` (sums of millions of huge lines, products of such sums)
    // give up fraction digits first, as a decimal floating-point number would, and only beyond
    // ±1.7 × 10^38 saturate. Comparisons are always exact.

    public static func + (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        var (a, b, scale) = aligned(lhs, rhs)
        while true {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow && sum != .min { return DecimalNumber(significand: sum, scale: scale) }
            if scale == 0 { return saturated(negative: a < 0) }
            // One fraction digit less on both sides, then try again.
            a = roundHalfUp(a, droppingDigits: 1)
            b = roundHalfUp(b, droppingDigits: 1)
            scale -= 1
        }
    }

    public static func - (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        lhs + -rhs
    }

    public static prefix func - (value: DecimalNumber) -> DecimalNumber {
        // No operation here makes Int128.min (results stop at ±Int128.max), so this cannot trap.
        DecimalNumber(significand: -value.significand, scale: value.scale)
    }

    public static func * (lhs: DecimalNumber, rhs: DecimalNumber) -> DecimalNumber {
        var left = lhs.normalized
        var right = rhs.normalized
        while true {
            let (product, overflow) = left.significand.multipliedReportingOverflow(by: right.significand)
            if !overflow && product != .min {
                let scale = left.scale + right.scale
                if scale <= maxScale { return DecimalNumber(significand: product, scale: scale) }
                return DecimalNumber(significand: roundHalfUp(product, droppingDigits: scale - maxScale), scale: maxScale)
            }
            // Too many digits for Int128: drop a fraction digit of the operand that has more.
            if left.scale == 0 && right.scale == 0 {
                return saturated(negative: (left.significand < 0) != (right.significand < 0))
            }
            if left.scale >= right.scale {
                left = left.rounded(scale: left.scale - 1)
            } else {
                right = right.rounded(scale: right.scale - 1)
            }
        }
    }

    public static func += (lhs: inout DecimalNumber, rhs: DecimalNumber) { lhs = lhs + rhs }
    public static func -= (lhs: inout DecimalNumber, rhs: DecimalNumber) { lhs = lhs - rhs }

    /// `self / divisor` rounded to `scale` digits the XPath way (halves toward positive infinity).
    /// Nil when dividing by zero, when `scale` is negative or above 36, and when the quotient has
    /// more digits than `Int128` holds.
    public func divided(by divisor: DecimalNumber, scale resultScale: Int) -> DecimalNumber? {
        guard divisor.significand != 0, resultScale >= 0, resultScale <= DecimalNumber.maxScale else { return nil }
        // self / divisor × 10^resultScale = N / D exactly; the result is floor(N/D + 1/2).
        let a = normalized
        let b = divisor.normalized
        let shift = resultScale + b.scale - a.scale
        var numerator = a.significand
        var denominator = b.significand
        if shift >= 0 {
            guard let scaled = DecimalNumber.multipliedByPowerOfTen(numerator, shift) else { return nil }
            numerator = scaled
        } else {
            // A denominator too large for Int128 makes the quotient round to zero.
            guard let scaled = DecimalNumber.multipliedByPowerOfTen(denominator, -shift) else {
                return DecimalNumber(significand: 0, scale: resultScale)
            }
            denominator = scaled
        }
        if denominator < 0 {
            numerator = -numerator
            denominator = -denominator
        }
        return DecimalNumber(significand: DecimalNumber.roundedQuotient(numerator, denominator), scale: resultScale)
    }

    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        compare(lhs, rhs) < 0
    }

    public static func == (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        compare(lhs, rhs) == 0
    }

    public func hash(into hasher: inout Hasher) {
        let normal = normalized
        hasher.combine(normal.significand)
        hasher.combine(normal.scale)
    }

    public var isZero: Bool { significand == 0 }
    public var isNegative: Bool { significand < 0 }
    public var magnitude: DecimalNumber { significand < 0 ? -self : self }

    // MARK: Helpers

    /// The largest magnitude a result saturates at, whole and without fraction.
    private static func saturated(negative: Bool) -> DecimalNumber {
        DecimalNumber(significand: negative ? -Int128.max : Int128.max, scale: 0)
    }

    /// -1, 0 or 1, exactly, whatever the scales.
    private static func compare(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> Int {
        let (a, b) = (lhs.significand, rhs.significand)
        if (a < 0) != (b < 0) || a == 0 || b == 0 { return a < b ? -1 : (a > b ? 1 : 0) }
        if lhs.scale == rhs.scale { return a < b ? -1 : (a > b ? 1 : 0) }
        // Same sign. Widen the one with fewer fraction digits; if that overflows, it is the larger
        // in magnitude (the other's significand fits in Int128).
        if lhs.scale < rhs.scale {
            guard let widened = multipliedByPowerOfTen(a, rhs.scale - lhs.scale) else { return a < 0 ? -1 : 1 }
            return widened < b ? -1 : (widened > b ? 1 : 0)
        }
        guard let widened = multipliedByPowerOfTen(b, lhs.scale - rhs.scale) else { return b < 0 ? 1 : -1 }
        return a < widened ? -1 : (a > widened ? 1 : 0)
    }

    /// Both significands at one scale: the larger of the two scales when the other widens to it
    /// without overflow, else the largest scale that works, the more precise side rounded to it.
    private static func aligned(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> (Int128, Int128, Int) {
        if lhs.scale == rhs.scale { return (lhs.significand, rhs.significand, lhs.scale) }
        let (coarse, fine, swapped) = lhs.scale < rhs.scale ? (lhs, rhs, false) : (rhs, lhs, true)
        var scale = fine.scale
        while scale > coarse.scale {
            if let widened = multipliedByPowerOfTen(coarse.significand, scale - coarse.scale) {
                let rounded = roundHalfUp(fine.significand, droppingDigits: fine.scale - scale)
                return swapped ? (rounded, widened, scale) : (widened, rounded, scale)
            }
            scale -= 1
        }
        let rounded = roundHalfUp(fine.significand, droppingDigits: fine.scale - coarse.scale)
        return swapped ? (rounded, coarse.significand, scale) : (coarse.significand, rounded, scale)
    }

    /// 10^exponent for 0 ≤ exponent ≤ 38 (the powers Int128 holds).
    static func powerOfTen(_ exponent: Int) -> Int128 {
        precondition(exponent >= 0 && exponent <= 38, "10^\(exponent) does not fit in Int128")
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// `value × 10^exponent`, nil when it does not fit.
    static func multipliedByPowerOfTen(_ value: Int128, _ exponent: Int) -> Int128? {
        if value == 0 || exponent == 0 { return value }
        guard exponent <= 38 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: powerOfTen(exponent))
        return overflow || product == .min ? nil : product
    }

    /// `value / 10^digits`, halves toward positive infinity: floor(x + 1/2).
    static func roundHalfUp(_ value: Int128, droppingDigits digits: Int) -> Int128 {
        if digits == 0 { return value }
        // |value| < 1.8 × 10^38, so beyond 38 digits the quotient is below one half: zero.
        guard digits <= 38 else { return 0 }
        return roundedQuotient(value, powerOfTen(digits))
    }

    /// floor(numerator / denominator + 1/2) for a positive denominator, without overflow: the
    /// truncated quotient and its remainder (which has the numerator's sign) decide.
    static func roundedQuotient(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder >= 0 {
            return remainder >= denominator - remainder ? quotient + 1 : quotient  // fraction ≥ 1/2
        }
        return -remainder > denominator + remainder ? quotient - 1 : quotient  // fraction < -1/2
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
