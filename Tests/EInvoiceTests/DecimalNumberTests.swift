import EInvoice
import Testing

struct DecimalNumberTests {
    @Test(arguments: [
        ("12.50", "12.50"), ("-0.005", "-0.005"), ("+3", "3"), ("  7.1\n", "7.1"), ("0", "0"), (".5", "0.5"),
        ("5.", "5"), ("000123.4500", "123.4500"), ("-0", "0"),
    ])
    func parsesAndKeepsItsScale(_ text: String, _ written: String) throws {
        let number = try #require(DecimalNumber(parsing: text))
        #expect(number.description == written)
    }

    @Test(arguments: [
        "", "-", ".", "1,5", "1.5E2", "1e3", "12a", "1.2.3", "--1", "NaN", "1 000",
        "12345678901234567890", "0.0000000000000000001",
    ])
    func refusesWhatIsNotAnXSDecimal(_ text: String) {
        #expect(DecimalNumber(parsing: text) == nil)
    }

    @Test func equalityIsNumeric() {
        #expect(DecimalNumber(parsing: "100.00") == DecimalNumber(parsing: "100"))
        #expect(DecimalNumber(parsing: "100.00")!.hashValue == DecimalNumber(parsing: "100")!.hashValue)
        #expect(DecimalNumber("-0.10") < DecimalNumber("-0.099"))
    }

    /// XPath round(): halves go toward positive infinity, also for negative numbers.
    @Test(arguments: [
        ("2.345", "2.35"), ("-2.345", "-2.34"), ("2.344", "2.34"), ("-2.346", "-2.35"), ("0.005", "0.01"),
        ("-0.005", "0.00"), ("-0.015", "-0.01"), ("1.999", "2.00"), ("12", "12.00"), ("-12.5", "-12.50"),
        ("234.5", "234.50"), ("0.125", "0.13"), ("-0.125", "-0.12"),
    ])
    func roundsHalfTowardPositiveInfinity(_ value: String, _ expected: String) {
        let rounded = DecimalNumber(parsing: value)!.rounded(scale: 2)
        #expect(rounded.description == expected)
    }

    @Test func roundsToWholeNumbersLikeXPath() {
        #expect(DecimalNumber("234.5").rounded(scale: 0).description == "235")
        #expect(DecimalNumber("-234.5").rounded(scale: 0).description == "-234")
    }

    @Test func arithmeticIsExact() {
        #expect(DecimalNumber("0.1") + DecimalNumber("0.2") == DecimalNumber("0.3"))
        #expect((DecimalNumber("19.99") * DecimalNumber("3")).description == "59.97")
        #expect((DecimalNumber("1.005") * DecimalNumber("-4")).description == "-4.020")
        #expect((DecimalNumber("10") - DecimalNumber("10.01")).description == "-0.01")
    }

    @Test func divisionRoundsOnce() {
        #expect(DecimalNumber(10).divided(by: 3, scale: 2)?.description == "3.33")
        #expect(DecimalNumber(-10).divided(by: 3, scale: 2)?.description == "-3.33")
        #expect(DecimalNumber("0.05").divided(by: 2, scale: 2)?.description == "0.03")  // 0.025 → 0.03
        #expect(DecimalNumber("-0.05").divided(by: 2, scale: 2)?.description == "-0.02")  // -0.025 → -0.02
        #expect(DecimalNumber("-0.05").divided(by: -2, scale: 2)?.description == "0.03")
        #expect(DecimalNumber(1).divided(by: 0, scale: 2) == nil)
    }

    @Test func largestParsedNumbersMultiplyWithoutOverflow() {
        let big = DecimalNumber(parsing: "9999999999999999999")!
        let small = DecimalNumber(parsing: "0.999999999999999999")!
        #expect((big * big).description == "99999999999999999980000000000000000001")
        #expect((small * small).fractionDigits == 36)
    }
}

/// Every value may come from a document: no combination of numbers traps.
struct DecimalNumberOverflowTests {
    static let big = DecimalNumber(parsing: "9999999999999999999")!  // 19 digits, the largest parsed
    static let fine = DecimalNumber(parsing: "0.000000000000000001")!  // 18 decimals, the finest parsed

    @Test func nineteenDigitsMeetEighteenDecimals() {
        // 10^19 × 10^18 fits, but sums of such lines do not at scale 18: fraction digits give way.
        var total = DecimalNumber.zero
        for _ in 0..<1_000 { total += Self.big }
        total += Self.fine
        #expect(total > Self.big)
        #expect(total.description.hasPrefix("9999999999999999999000"))
        #expect(total - Self.fine > Self.big)
        #expect(!(total == Self.big))
    }

    @Test func productsOfSumsSaturateInsteadOfTrapping() {
        var total = DecimalNumber.zero
        for _ in 0..<100 { total += Self.big }
        let square = total * total * total
        #expect(square.description == "170141183460469231731687303715884105727")
        #expect((-square).isNegative)
        #expect((square + square) == square)
        #expect((-square - square) == -square)
        #expect((-square).magnitude == square)
        #expect(square * -1 == -square)
    }

    @Test func comparisonsAreExactAcrossScales() {
        let huge = DecimalNumber(significand: Int128.max, scale: 0)
        let precise = DecimalNumber(significand: Int128.max, scale: 36)
        #expect(precise < huge)
        #expect(-huge < -precise)
        #expect(!(huge == precise))
        #expect(DecimalNumber(significand: 10, scale: 36) == DecimalNumber(significand: 1, scale: 35))
    }

    @Test func divisionThatDoesNotFitIsNil() {
        let huge = DecimalNumber(significand: Int128.max, scale: 0)
        #expect(huge.divided(by: Self.fine, scale: 20) == nil)
        #expect(Self.fine.divided(by: huge, scale: 2)?.isZero == true)
        #expect(Self.big.divided(by: 3, scale: 40) == nil)
        #expect(huge.divided(by: -1, scale: 0) == -huge)
    }

    @Test func roundingFarBeyondTheDigitsIsZero() {
        let precise = DecimalNumber(significand: Int128.max, scale: 36)
        #expect(precise.rounded(scale: 0).description == "170")
        #expect(DecimalNumber(significand: -Int128.max, scale: 36).rounded(scale: 2).description == "-170.14")
        #expect(DecimalNumber(significand: Int128.max, scale: 0).rounded(scale: 36) == DecimalNumber(significand: Int128.max))
        #expect(Self.big.rounded(scale: -3) == Self.big)
    }
}

struct LocalDateTests {
    @Test(arguments: ["2024-02-29", "2000-02-29", "2026-12-31", "2026-01-01Z", "2026-03-01+01:00", "2026-03-01-05:30"])
    func acceptsRealDays(_ text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(date.description == text)
    }

    @Test(arguments: [
        "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "26-01-01", "2026/01/01",
        "2026-01-01T10:00:00", "2026-01-01+15:00", "2026-01-01+01:60", "20260101",
    ])
    func refusesDaysThatDoNotExist(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func ordersByDayIgnoringZone() {
        #expect(LocalDate("2026-01-01+01:00")! < LocalDate("2026-01-02Z")!)
    }
}
